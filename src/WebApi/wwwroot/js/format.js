// Numbers, amounts, times and durations in the reader's locale (Intl), with decimal text formatted digit for digit.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 2 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const decimalFormats = new Map();

export const DASH = "–";

/**
 * Significant digits after the decimal point of a plain decimal literal ("87000.50" → 1: a trailing zero tells
 * nothing); exponent forms get the maximum.
 */
function fractionDigits(text) {
    if (/e/i.test(text)) {
        return 20;
    }
    const point = text.indexOf(".");
    return point < 0 ? 0 : text.replace(/0+$/, "").length - point - 1;
}

function decimalFormat(options) {
    const key = JSON.stringify(options);
    let format = decimalFormats.get(key);
    if (!format) {
        format = new Intl.NumberFormat(undefined, options);
        decimalFormats.set(key, format);
    }
    return format;
}

/**
 * A decimal given as text, in the reader's locale with every fraction digit it has: Intl formats a string as an exact
 * decimal, so nothing passes through a double.
 */
export function decimal(text, { minimumFractionDigits = 0, ...options } = {}) {
    if (text === null || text === undefined) {
        return DASH;
    }
    const digits = Math.min(100, Math.max(minimumFractionDigits, fractionDigits(String(text))));
    return decimalFormat({ ...options, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(String(text));
}

/** A USD amount given as decimal text: full precision, at least cents. */
export function usd(text) {
    return decimal(text, { style: "currency", currency: "USD", currencyDisplay: "narrowSymbol", minimumFractionDigits: 2 });
}

/** A share given as decimal text in [0, 1] (a confidence), as a percentage with the digits it has. */
export function share(text) {
    if (text === null || text === undefined) {
        return DASH;
    }
    const digits = Math.max(0, fractionDigits(String(text)) - 2);
    return decimalFormat({ style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(String(text));
}

/** A percentage given as decimal text already in percent units (a spread). */
export function percent(text) {
    return text === null || text === undefined ? DASH : `${decimal(text)} %`;
}

export function count(value) {
    return value === null || value === undefined ? DASH : integer.format(value);
}

export function compactNumber(value) {
    return compact.format(value);
}

export function duration(ms) {
    if (ms === null || ms === undefined) {
        return DASH;
    }
    if (ms < 0) {
        return `-${duration(-ms)}`;
    }
    if (ms < 1000) {
        return `${integer.format(ms)} ms`;
    }
    const seconds = ms / 1000;
    if (seconds < 60) {
        return `${oneDecimal.format(seconds)} s`;
    }
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) {
        return `${integer.format(minutes)} min ${integer.format(Math.floor(seconds - minutes * 60))} s`;
    }
    const hours = Math.floor(minutes / 60);
    const rest = minutes - hours * 60;
    return rest === 0 ? `${integer.format(hours)} h` : `${integer.format(hours)} h ${integer.format(rest)} min`;
}

/** An age in seconds as words ("3 hours ago"), in the largest unit that keeps it at one or more. */
export function age(seconds) {
    const units = [["year", 31_536_000], ["month", 2_592_000], ["day", 86_400], ["hour", 3_600], ["minute", 60]];
    for (const [unit, size] of units) {
        if (seconds >= size) {
            return relative.format(-Math.floor(seconds / size), unit);
        }
    }
    return relative.format(-Math.max(0, Math.floor(seconds)), "second");
}

export function time(iso) {
    return iso ? dateTime.format(new Date(iso)) : DASH;
}

export function timeWithSeconds(iso) {
    return iso ? dateTimeSeconds.format(new Date(iso)) : DASH;
}
