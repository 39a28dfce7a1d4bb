// The page's only way to the server: GETs of the public /v1 API, relative to the page (so it works under a path
// prefix), with the API key in the X-API-Key header when one is kept.

const KEY_STORAGE = "kasparro.apiKey";

// Amounts the API writes from decimals exactly as stored. JSON.parse would turn them into doubles; the reviver keeps
// each one's source text instead, so prices show every digit the server sent (the charts convert to numbers themselves).
const DECIMAL_FIELDS = new Set([
    "price_usd", "market_cap_usd", "volume_24h_usd", "percent_change_24h",
    "median_price_usd", "min_price_usd", "max_price_usd", "spread_usd", "spread_percent",
    "open", "high", "low", "close", "confidence",
]);

/** A /v1 answer that was not 2xx: its status and the RFC 9457 problem's title and detail when it sent one. */
export class ApiError extends Error {
    constructor(status, problem) {
        super(describe(status, problem));
        this.name = "ApiError";
        this.status = status;
        this.problem = problem;
    }

    get unauthorized() {
        return this.status === 401;
    }
}

function describe(status, problem) {
    const parts = [`HTTP ${status}`];
    if (problem?.title) {
        parts.push(problem.title);
    }
    if (problem?.detail) {
        parts.push(problem.detail);
    }
    return parts.join(": ");
}

export function storedKey() {
    return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key) {
    sessionStorage.setItem(KEY_STORAGE, key);
}

export function forgetKey() {
    sessionStorage.removeItem(KEY_STORAGE);
}

/** The RFC 9457 problem in an error body, or null when the body is not JSON (a proxy's page, say). */
function problemOf(text) {
    try {
        return JSON.parse(text);
    } catch {
        return null;
    }
}

/** Parses a JSON body, keeping the decimal fields as their exact text. */
export function parseExact(text) {
    return JSON.parse(text, (key, value, context) => {
        if (typeof value === "number" && DECIMAL_FIELDS.has(key)) {
            // context.source is the literal as sent; browsers without it get the double's shortest round-trip text.
            return typeof context?.source === "string" ? context.source : String(value);
        }
        return value;
    });
}

/**
 * GET v1/{path} with the query's defined values; resolves to the parsed body, rejects with ApiError (or the fetch's
 * own error when the server cannot be reached). The key goes in a header only: it never appears in a URL.
 */
export async function getJson(path, query = {}, signal = undefined) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
        if (value !== undefined && value !== null && value !== "") {
            params.set(name, String(value));
        }
    }
    const search = params.toString();
    const headers = { Accept: "application/json" };
    const key = storedKey();
    if (key) {
        headers["X-API-Key"] = key;
    }
    const response = await fetch(`v1/${path}${search ? `?${search}` : ""}`, { headers, signal, cache: "no-cache" });
    const text = await response.text();
    if (!response.ok) {
        throw new ApiError(response.status, problemOf(text));
    }
    return parseExact(text);
}
