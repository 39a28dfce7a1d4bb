// The schema drift events: which expected field went missing, what it was mapped to, how sure, and what the run did.
import { byId, el } from "./dom.js";
import * as fmt from "./format.js";
import { pagedTable } from "./pager.js";

function row(event) {
    return el("tr", { dataset: { eventId: event.id } },
        el("td", {}, fmt.time(event.detected_at)),
        el("td", {}, event.source),
        el("td", {}, event.stream),
        el("td", {}, el("code", {}, event.expected_field)),
        el("td", {}, event.observed_field ? el("code", {}, event.observed_field) : fmt.DASH),
        el("td", { className: "num" }, fmt.share(event.confidence)),
        el("td", {}, el("span", { className: `badge action-${event.action.replace(" ", "-")}` }, event.action)),
        el("td", { className: "message" }, event.message));
}

export function driftTable(onError) {
    return pagedTable({
        path: "schema-drift",
        limit: 20,
        body: byId("drift-body"),
        more: byId("drift-more"),
        state: byId("drift-state"),
        row,
        noun: "schema drift events",
        onError,
    });
}
