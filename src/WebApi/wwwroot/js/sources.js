// The source cards: the last run's status, the freshness of the newest quote, the last run's counts, and sparklines
// of the last 50 runs' durations and loaded counts with the anomalous runs marked.
import { getJson } from "./api.js";
import { sparkline } from "./charts.js";
import { byId, definitions, el, setState } from "./dom.js";
import * as fmt from "./format.js";

const SPARK_RUNS = 50;

const FRESHNESS_TEXT = {
    fresh: "Fresh",
    stale: "Stale: older than twice the schedule",
    expired: "Expired: older than four times the schedule",
    unscheduled: "No schedule (ETL_INTERVAL is 0)",
    unknown: "No quotes yet",
};

let charts = [];

/** How fresh a source is: its newest quote's age against the server's schedule (amber past 2x, red past 4x). */
export function freshness(ageSeconds, scheduleSeconds) {
    if (ageSeconds === null) {
        return "unknown";
    }
    if (!scheduleSeconds) {
        return "unscheduled";
    }
    if (ageSeconds > 4 * scheduleSeconds) {
        return "expired";
    }
    return ageSeconds > 2 * scheduleSeconds ? "stale" : "fresh";
}

async function sourceDetails(source) {
    const [newest, runs] = await Promise.all([
        getJson("data", { source, limit: 1 }),
        getJson("runs", { source, limit: SPARK_RUNS }),
    ]);
    return { newestQuote: newest.data[0] ?? null, runs: runs.data };
}

/** The runs the anomaly rule flags, by run id, each with the metrics it flags and the reasons. */
async function anomaliesById() {
    const answer = await getJson("runs/anomalies", { limit: 500 });
    return new Map(answer.data.map((a) => [a.run.id, a.anomalies]));
}

function sparkFigure(caption, runs, value, metric, anomalies) {
    const oldestFirst = [...runs].reverse();
    const times = oldestFirst.map((r) => Date.parse(r.started_at) / 1000);
    const values = oldestFirst.map(value);
    const marked = oldestFirst.flatMap((r, i) => ((anomalies.get(r.id) ?? []).some((a) => a.metric === metric) ? [i] : []));
    const known = values.filter((v) => v !== null);
    const summary = known.length === 0
        ? `${caption}: no finished runs`
        : `${caption} over the last ${fmt.count(runs.length)} runs: from ${fmt.count(Math.min(...known))} to ${fmt.count(Math.max(...known))}`
            + (marked.length > 0 ? `; ${fmt.count(marked.length)} anomalous` : "");
    const drawable = known.length > 1;
    const plot = el("div", { className: "spark", role: "img", "aria-label": summary }, drawable ? null : el("span", { className: "muted" }, "too few runs to draw"));
    const figure = el("figure", { className: "spark-figure" }, el("figcaption", {}, caption), plot);
    return { figure, draw: () => (drawable ? sparkline(plot, { times, values, marked }) : null) };
}

function card(name, stats, details, context) {
    const last = stats.last_run;
    const status = last ? last.status : "never run";
    const newest = details.newestQuote;
    const ageSeconds = newest ? Math.max(0, (context.now - Date.parse(newest.observed_at)) / 1000) : null;
    const fresh = freshness(ageSeconds, context.scheduleSeconds);
    const sourceAnomalies = details.runs.filter((r) => context.anomalies.has(r.id));

    const durations = sparkFigure("Duration (ms)", details.runs, (r) => r.duration_ms, "duration_ms", context.anomalies);
    const loaded = sparkFigure("Loaded", details.runs, (r) => (r.status === "running" ? null : r.loaded), "loaded_count", context.anomalies);

    const article = el("article", { className: "card", dataset: { source: name, status, freshness: fresh } },
        el("header", { className: "card-header" },
            el("h3", {}, name),
            el("span", { className: `badge status-${status.replace(" ", "-")}` }, status)),
        el("p", { className: "freshness" },
            el("span", { className: "freshness-dot", "aria-hidden": "true" }),
            newest ? `Newest quote ${fmt.age(ageSeconds)} · ` : "",
            el("strong", {}, FRESHNESS_TEXT[fresh])),
        definitions([
            ["Last run", last ? `${fmt.time(last.started_at)} (${last.trigger})` : fmt.DASH],
            ["Duration", last ? fmt.duration(last.duration_ms) : fmt.DASH],
            ["Loaded", last ? fmt.count(last.loaded) : fmt.DASH],
            ["Rejected", last ? fmt.count(last.rejected) : fmt.DASH],
            ["Last success", stats.last_success_at ? fmt.time(stats.last_success_at) : "never"],
        ]),
        last?.error ? el("p", { className: "run-error" }, el("strong", {}, "Error: "), last.error) : null,
        sourceAnomalies.length > 0
            ? el("p", { className: "anomaly-note" },
                `${fmt.count(sourceAnomalies.length)} anomalous of the last ${fmt.count(details.runs.length)} runs: `,
                (context.anomalies.get(sourceAnomalies[0].id) ?? []).map((a) => a.reason).join(" "))
            : null,
        el("div", { className: "sparks" }, durations.figure, loaded.figure));
    return { article, draws: [durations.draw, loaded.draw] };
}

export async function loadSources() {
    const state = byId("sources-state");
    const container = byId("source-cards");
    setState(state, "loading", "Loading sources…");
    const stats = await getJson("stats");
    const names = Object.keys(stats.sources);
    const [details, anomalies] = await Promise.all([Promise.all(names.map(sourceDetails)), anomaliesById()]);
    const context = { now: Date.parse(stats.generated_at), scheduleSeconds: stats.etl_interval_seconds, anomalies };

    charts.forEach((c) => c?.destroy());
    const cards = names.map((name, i) => card(name, stats.sources[name], details[i], context));
    container.replaceChildren(...cards.map((c) => c.article));
    charts = cards.flatMap((c) => c.draws.map((draw) => draw()));

    byId("generated-at").textContent = `As of ${fmt.timeWithSeconds(stats.generated_at)} (server time)`
        + (stats.etl_interval_seconds ? `; runs every ${fmt.duration(stats.etl_interval_seconds * 1000)}` : "; scheduler off");
    setState(state, "ready", names.length === 0 ? "No sources." : "");
}
