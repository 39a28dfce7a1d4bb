// Charts on uPlot (vendored in lib/uplot): the sources' run sparklines and an asset's price across sources. Colours
// come from the stylesheet's custom properties, so light and dark mode need no second palette here.
import uPlot from "../lib/uplot/uPlot.esm.js";
import { compactNumber } from "./format.js";

const dateOnly = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const monthYear = new Intl.DateTimeFormat(undefined, { month: "short", year: "numeric" });
const hourMinute = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

export function cssColor(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The colour of series number n (from 1) of the palette in the stylesheet. */
export function seriesColor(n) {
    return cssColor(`--series-${((n - 1) % 6) + 1}`);
}

function timeAxisValues(_u, splits, _axisIdx, _space, increment) {
    const format = increment < 86_400 ? hourMinute : increment < 28 * 86_400 ? dateOnly : monthYear;
    return splits.map((s) => format.format(new Date(s * 1000)));
}

/** Keeps a chart as wide as its container. */
function fitWidth(chart, container, height) {
    const observer = new ResizeObserver(() => {
        const width = Math.floor(container.clientWidth);
        if (width > 0 && width !== chart.width) {
            chart.setSize({ width, height });
        }
    });
    observer.observe(container);
    return observer;
}

/**
 * A sparkline of one metric over runs (oldest first): times in seconds, values (null for a gap), and the indexes of
 * runs to mark (the anomalous ones).
 */
export function sparkline(container, { times, values, marked }) {
    const height = 44;
    const options = {
        width: Math.max(120, Math.floor(container.clientWidth)),
        height,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false },
        padding: [6, 6, 6, 6],
        scales: { x: { time: true } },
        axes: [{ show: false }, { show: false }],
        series: [
            {},
            {
                stroke: cssColor("--accent"),
                width: 1.5,
                spanGaps: true,
                points: {
                    show: false,
                    size: 8,
                    width: 2,
                    stroke: cssColor("--anomaly"),
                    fill: cssColor("--anomaly"),
                    filter: () => (marked.length > 0 ? marked : null),
                },
            },
        ],
    };
    const chart = new uPlot(options, [times, values], container);
    const observer = fitWidth(chart, container, height);
    return { destroy: () => { observer.disconnect(); chart.destroy(); } };
}

/**
 * An asset's price: one line per source, the median of the sources at each time (dashed), and the spread between the
 * lowest and highest source shaded. `data` is [times, ...one array per source, median, highest, lowest].
 */
export function priceChart(container, { sourceNames, data, onCursor }) {
    const height = container.clientWidth < 500 ? 240 : 320;
    const median = sourceNames.length + 1;
    const highest = median + 1;
    const lowest = median + 2;
    const spreadLine = { stroke: "transparent", width: 0, points: { show: false } };
    const options = {
        width: Math.max(200, Math.floor(container.clientWidth)),
        height,
        legend: { show: false },
        cursor: { points: { size: 6 } },
        scales: { x: { time: true } },
        axes: [
            { stroke: cssColor("--muted"), grid: { stroke: cssColor("--grid") }, ticks: { stroke: cssColor("--grid") }, values: timeAxisValues },
            {
                stroke: cssColor("--muted"),
                grid: { stroke: cssColor("--grid") },
                ticks: { stroke: cssColor("--grid") },
                size: 64,
                values: (_u, splits) => splits.map((v) => compactNumber(v)),
            },
        ],
        series: [
            {},
            ...sourceNames.map((name, i) => ({ label: name, stroke: seriesColor(i + 1), width: 1.5, spanGaps: true })),
            { label: "median", stroke: cssColor("--text"), width: 2, dash: [6, 4], spanGaps: true },
            { label: "highest", ...spreadLine },
            { label: "lowest", ...spreadLine },
        ],
        bands: [{ series: [highest, lowest], fill: cssColor("--spread") }],
        hooks: { setCursor: [(u) => onCursor(u.cursor.idx)] },
    };
    const chart = new uPlot(options, data, container);
    const observer = fitWidth(chart, container, height);
    return {
        seriesLabels: chart.series.slice(1, median + 1).map((s) => s.label),
        destroy: () => { observer.disconnect(); chart.destroy(); },
    };
}
