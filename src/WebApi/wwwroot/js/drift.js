// The schema drift events: which expected field went missing, what it was mapped to, how sure, and what the run did.
import { byId, cell, el } from "./dom.js";
import * as fmt from "./format.js";
import { pagedTable } from "./pager.js";

function row(event) {
    return el("tr", { dataset: { eventId: event.id } },
        cell("Detected", fmt.time(event.detected_at), "nowrap"),
        cell("Source", event.source),
        cell("Stream", event.stream),
        cell("Field", el("code", {}, event.expected_field)),
        cell("Mapped to", event.observed_field ? el("code", {}, event.observed_field) : fmt.DASH),
        cell("Confidence", fmt.share(event.confidence), "num"),
        cell("Decision", el("span", { className: `badge action-${event.action.replace(" ", "-")}` }, event.action)),
        cell("Message", event.message, "message"));
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
