// A table fed by a /v1 list, newest first, one page at a time: the "older" button follows pagination.next_cursor.
import { getJson } from "./api.js";
import { setState } from "./dom.js";

/**
 * Binds a list endpoint to a table body. `row(item)` builds one <tr>. Returns { reload }: reload() starts again from
 * the first page; the button appends the next page while the API says one follows.
 */
export function pagedTable({ path, limit, body, more, state, row, noun, onError }) {
    let cursor = null;

    async function load(first) {
        setState(state, "loading", first ? `Loading ${noun}…` : `Loading older ${noun}…`);
        more.disabled = true;
        try {
            const page = await getJson(path, { limit, cursor: first ? null : cursor });
            const rows = page.data.map(row);
            if (first) {
                body.replaceChildren(...rows);
            } else {
                body.append(...rows);
            }
            cursor = page.pagination.next_cursor;
            more.hidden = !cursor;
            const shown = body.rows.length;
            body.closest("table").hidden = shown === 0;
            setState(state, "ready", shown === 0 ? `No ${noun} yet.` : "");
        } catch (error) {
            onError(error, state);
        } finally {
            more.disabled = false;
        }
    }

    more.addEventListener("click", () => load(false));
    return { reload: () => load(true) };
}
