// One asset across sources: search (ticker or name, suggestions from /v1/assets), its consensus, a chart of each
// source's price with the median and the spread, range buttons, and how each source's listing maps to it.
import { ApiError, getJson } from "./api.js";
import { priceChart, seriesColor, cssColor } from "./charts.js";
import { compare, median } from "./decimal.js";
import { byId, cell, el, setState } from "./dom.js";
import * as fmt from "./format.js";

const RANGES = { "24h": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400, all: null };
const INTERVALS = [["5m", 300], ["15m", 900], ["1h", 3_600], ["4h", 14_400], ["1d", 86_400], ["1w", 604_800]];
const MAX_POINTS = 2_000;
const SUGGESTIONS = 500;

const state = byId("asset-state");
const input = byId("asset-input");
let assets = [];
let current = null;
let range = "30d";
let chart = null;
let generation = 0;

/** The finest interval whose buckets over the span, for every source, stay under 2,000 points. */
export function chooseInterval(spanSeconds, sources) {
    for (const [name, width] of INTERVALS) {
        if ((Math.floor(spanSeconds / width) + 2) * Math.max(1, sources) < MAX_POINTS) {
            return name;
        }
    }
    return INTERVALS[INTERVALS.length - 1][0];
}

/** [times, ...sources, median, highest, lowest] for uPlot, and the exact texts behind each value for the legend. */
function seriesOf(points) {
    const sources = [...new Set(points.map((p) => p.source))].sort();
    const times = [...new Set(points.map((p) => Date.parse(p.time)))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const texts = sources.map(() => new Array(times.length).fill(null));
    for (const p of points) {
        texts[sources.indexOf(p.source)][index.get(Date.parse(p.time))] = p.close;
    }
    const medians = [];
    const highs = [];
    const lows = [];
    for (let i = 0; i < times.length; i++) {
        const present = texts.map((s) => s[i]).filter((t) => t !== null).sort(compare);
        medians.push(median(present));
        highs.push(present.at(-1) ?? null);
        lows.push(present[0] ?? null);
    }
    const exact = [...texts, medians, highs, lows];
    const toNumbers = (column) => column.map((t) => (t === null ? null : Number(t)));
    return { sources, data: [times.map((t) => t / 1000), ...exact.map(toNumbers)], exact };
}

function legend(sources, exact) {
    const items = [...sources.map((name, i) => [name, seriesColor(i + 1), "line"]), ["median", cssColor("--text"), "dashed"]];
    const outputs = items.map(() => el("output", {}));
    const list = byId("chart-legend");
    list.replaceChildren(...items.map(([name, color, style], i) => {
        const swatch = el("span", { className: `swatch ${style}`, "aria-hidden": "true" });
        swatch.style.borderColor = color;
        return el("li", { dataset: { series: name } }, swatch, el("span", { className: "series-name" }, name), outputs[i]);
    }), el("li", { dataset: { series: "spread" }, className: "spread-item" },
        el("span", { className: "swatch band", "aria-hidden": "true" }), el("span", { className: "series-name" }, "spread between sources")));
    const last = exact[0].length - 1;
    return (idx) => {
        const at = idx ?? last;
        outputs.forEach((output, i) => {
            // The newest value a series has at or before the cursor, so a gap shows the last known price.
            let j = at;
            while (j > 0 && exact[i][j] === null) {
                j--;
            }
            output.value = fmt.usd(exact[i][j]);
        });
    };
}

function summary(asset) {
    const c = asset.consensus;
    const facts = c
        ? [`Median ${fmt.usd(c.median_price_usd)}`, `spread ${fmt.usd(c.spread_usd)} (${fmt.percent(c.spread_percent)})`,
            `across ${c.sources.join(", ")}`, `as of ${fmt.time(c.as_of)}`]
        : ["No quotes yet"];
    byId("asset-summary").replaceChildren(
        el("h3", {}, `${asset.ticker}${asset.name ? ` · ${asset.name}` : ""}`),
        el("p", { className: "consensus" }, facts.join(" · ")));
}

function mappings(asset) {
    const latest = new Map(asset.latest.map((q) => [`${q.source}/${q.source_asset_id}`, q]));
    byId("mappings-body").replaceChildren(...asset.mappings.map((m) => {
        const quote = latest.get(`${m.source}/${m.source_asset_id}`);
        return el("tr", {},
            cell("Source", m.source),
            cell("Source asset id", el("code", {}, m.source_asset_id)),
            cell("Method", m.method),
            cell("Confidence", fmt.share(m.confidence), "num"),
            cell("Latest price", quote ? fmt.usd(quote.price_usd) : fmt.DASH, "num"),
            cell("Observed", quote ? fmt.time(quote.observed_at) : fmt.DASH));
    }));
    byId("mappings-table").hidden = asset.mappings.length === 0;
}

async function drawHistory(onError) {
    const mine = ++generation;
    const asset = current;
    chart?.destroy();
    chart = null;
    byId("chart-legend").replaceChildren();
    const container = byId("asset-chart");
    container.replaceChildren();
    if (asset.latest.length === 0) {
        setState(state, "ready", `No quotes for ${asset.ticker} yet.`);
        return;
    }
    setState(state, "loading", `Loading ${asset.ticker} prices…`);
    try {
        const newest = Math.max(...asset.latest.map((q) => Date.parse(q.observed_at)));
        let from = RANGES[range] === null ? null : newest - RANGES[range] * 1000;
        if (from === null) {
            const oldest = await getJson("data", { asset_id: asset.id, sort: "observed_at", limit: 1 });
            from = oldest.data.length > 0 ? Date.parse(oldest.data[0].observed_at) : newest;
        }
        const sourceCount = new Set(asset.mappings.map((m) => m.source)).size;
        const interval = chooseInterval((newest - from) / 1000, sourceCount);
        const history = await getJson(`assets/${encodeURIComponent(asset.id)}/history`, {
            interval, from: new Date(from).toISOString(), to: new Date(newest).toISOString(),
        });
        if (mine !== generation) {
            return;
        }
        if (history.data.length === 0) {
            setState(state, "ready", `No ${asset.ticker} prices in this range.`);
            return;
        }
        const { sources, data, exact } = seriesOf(history.data);
        container.setAttribute("role", "img");
        container.setAttribute("aria-label", `${asset.ticker} price in USD from ${sources.join(", ")} and their median, `
            + `${fmt.time(new Date(from).toISOString())} to ${fmt.time(new Date(newest).toISOString())}, one point per ${interval}`);
        const showValues = legend(sources, exact);
        chart = priceChart(container, { sourceNames: sources, data, onCursor: showValues });
        showValues(null);
        container.dataset.series = chart.seriesLabels.join(",");
        setState(state, "ready", history.truncated
            ? `Showing the first ${fmt.count(history.data.length)} points (one per ${interval}); the range holds more.`
            : `One point per ${interval} per source.`);
    } catch (error) {
        onError(error, state);
    }
}

async function show(asset, onError) {
    current = asset;
    input.value = asset.ticker;
    summary(asset);
    mappings(asset);
    await drawHistory(onError);
}

/** The asset a search names: a suggestion by ticker or name, else the API's own lookup by ticker or id. */
async function find(text) {
    const wanted = text.trim().toLowerCase();
    const match = assets.find((a) => a.ticker.toLowerCase() === wanted) ?? assets.find((a) => a.name?.toLowerCase() === wanted);
    if (match) {
        return match;
    }
    try {
        return (await getJson(`assets/${encodeURIComponent(text.trim())}`)).data;
    } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
            return null;
        }
        throw error;
    }
}

export function assetView(onError) {
    byId("asset-form").addEventListener("submit", async (event) => {
        event.preventDefault();
        if (input.value.trim() === "") {
            return;
        }
        try {
            const asset = await find(input.value);
            if (asset) {
                await show(asset, onError);
            } else {
                setState(state, "error", `No asset matches “${input.value.trim()}”.`);
            }
        } catch (error) {
            onError(error, state);
        }
    });
    for (const button of document.querySelectorAll("[data-range]")) {
        button.addEventListener("click", () => {
            range = button.dataset.range;
            for (const b of document.querySelectorAll("[data-range]")) {
                b.setAttribute("aria-pressed", String(b === button));
            }
            if (current) {
                drawHistory(onError);
            }
        });
    }

    return {
        async reload() {
            setState(state, "loading", "Loading assets…");
            try {
                assets = (await getJson("assets", { limit: SUGGESTIONS })).data;
                byId("asset-options").replaceChildren(...assets.map((a) => el("option", { value: a.ticker, label: a.name ?? a.ticker })));
                const again = current && (assets.find((a) => a.id === current.id) ?? current);
                if (again || assets.length > 0) {
                    await show(again || assets[0], onError);
                } else {
                    setState(state, "ready", "No assets yet: nothing has been ingested.");
                }
            } catch (error) {
                onError(error, state);
            }
        },
    };
}
