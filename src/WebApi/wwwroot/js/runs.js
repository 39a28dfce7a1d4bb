// The runs table (newest first, older pages by cursor) and a run's details beside the previous run of its source.
import { getJson } from "./api.js";
import { byId, cell, definitions, el, setState } from "./dom.js";
import * as fmt from "./format.js";
import { pagedTable } from "./pager.js";

const dialog = byId("run-dialog");
const COMPARED = [
    ["duration_ms", "Duration", fmt.duration],
    ["read", "Read", fmt.count],
    ["loaded", "Loaded", fmt.count],
    ["skipped", "Skipped", fmt.count],
    ["rejected", "Rejected", fmt.count],
];

function row(run, onOpen) {
    const open = el("button", { type: "button", className: "link", dataset: { runId: run.id } }, fmt.time(run.started_at));
    open.addEventListener("click", () => onOpen(run.id));
    return el("tr", { dataset: { runId: run.id, status: run.status } },
        cell("Started", open, "nowrap"),
        cell("Source", run.source),
        cell("Trigger", run.trigger),
        cell("Status", el("span", { className: `badge status-${run.status}` }, run.status)),
        cell("Duration", fmt.duration(run.duration_ms), "num"),
        cell("Read", fmt.count(run.read), "num"),
        cell("Loaded", fmt.count(run.loaded), "num"),
        cell("Skipped", fmt.count(run.skipped), "num"),
        cell("Rejected", fmt.count(run.rejected), "num"),
        cell("Error", run.error, "message"));
}

/** The run of the same source that started just before this one, or null; pages back through its source's runs. */
async function previousRun(run) {
    let cursor = null;
    let found = false;
    for (let page = 0; page < 20; page++) {
        const answer = await getJson("runs", { source: run.source, limit: 500, cursor });
        for (const candidate of answer.data) {
            if (found) {
                return candidate;
            }
            found = candidate.id === run.id;
        }
        cursor = answer.pagination.next_cursor;
        if (!cursor) {
            return null;
        }
    }
    return null;
}

function ratio(value) {
    return value === null ? fmt.DASH : `× ${fmt.decimal(String(value))}`;
}

function comparisonTable(comparison) {
    const d = comparison.differences;
    return el("table", { className: "comparison" },
        el("caption", {}, `Against the previous ${comparison.a.source} run (${fmt.time(comparison.a.started_at)}, ${comparison.a.status})`),
        el("thead", {}, el("tr", {},
            el("th", { scope: "col" }, ""), el("th", { scope: "col", className: "num" }, "Previous"),
            el("th", { scope: "col", className: "num" }, "This run"), el("th", { scope: "col", className: "num" }, "Change"),
            el("th", { scope: "col", className: "num" }, "Ratio"))),
        el("tbody", {}, COMPARED.map(([key, label, format]) => el("tr", {},
            el("th", { scope: "row" }, label),
            el("td", { className: "num" }, format(d[key].a)),
            el("td", { className: "num" }, format(d[key].b)),
            el("td", { className: "num" }, d[key].delta === null ? fmt.DASH : (d[key].delta > 0 ? "+" : "") + format(d[key].delta)),
            el("td", { className: "num" }, ratio(d[key].ratio))))));
}

async function openRun(id, onError) {
    const state = byId("run-dialog-state");
    const body = byId("run-dialog-body");
    body.replaceChildren();
    setState(state, "loading", "Loading the run…");
    if (!dialog.open) {
        dialog.showModal();
    }
    try {
        const run = (await getJson(`runs/${encodeURIComponent(id)}`)).data;
        byId("run-dialog-heading").textContent = `${run.source} run, ${fmt.time(run.started_at)}`;
        body.append(definitions([
            ["Run id", el("code", {}, run.id)],
            ["Status", el("span", { className: `badge status-${run.status}` }, run.status)],
            ["Trigger", run.trigger],
            ["Started", fmt.timeWithSeconds(run.started_at)],
            ["Finished", fmt.timeWithSeconds(run.finished_at)],
            ["Duration", fmt.duration(run.duration_ms)],
            ["Read / loaded / skipped / rejected", [run.read, run.loaded, run.skipped, run.rejected].map(fmt.count).join(" / ")],
            ["Error", run.error ?? "none"],
        ]));
        setState(state, "loading", "Looking for the previous run of this source…");
        const previous = await previousRun(run);
        if (!previous) {
            setState(state, "ready", `This is the first ${run.source} run: there is nothing to compare it with.`);
            return;
        }
        const comparison = await getJson("runs/compare", { a: previous.id, b: run.id });
        body.append(comparisonTable(comparison));
        setState(state, "ready", "");
    } catch (error) {
        onError(error, state);
    }
}

export function runsTable(onError) {
    byId("run-dialog-close").addEventListener("click", () => dialog.close());
    return pagedTable({
        path: "runs",
        limit: 25,
        body: byId("runs-body"),
        more: byId("runs-more"),
        state: byId("runs-state"),
        row: (run) => row(run, (id) => openRun(id, onError)),
        noun: "runs",
        onError,
    });
}
