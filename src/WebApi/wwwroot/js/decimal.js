// Exact arithmetic on decimal text, only as much as the chart needs: ordering prices and the median of a few. The
// median of an even count is the mean of the middle two, which in decimal always ends one digit further on; doing it
// on BigInt keeps the consensus line's legend exact, as the API's own consensus is (doubles would not be).

function parse(text) {
    let plain = String(text);
    if (/e/i.test(plain)) {
        // The API writes no exponents; a browser without JSON source text may, for tiny numbers.
        plain = Number(plain).toFixed(30);
    }
    const negative = plain.startsWith("-");
    const [whole, fraction = ""] = (negative ? plain.slice(1) : plain).split(".");
    const digits = BigInt(whole + fraction || "0");
    return { units: negative ? -digits : digits, scale: fraction.length };
}

function align(a, b) {
    const scale = Math.max(a.scale, b.scale);
    return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

function format({ units, scale }) {
    const negative = units < 0n;
    const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
    const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
    return negative ? `-${text}` : text;
}

export function compare(a, b) {
    const [x, y] = align(parse(a), parse(b));
    return x < y ? -1 : x > y ? 1 : 0;
}

/** The median of decimal texts (the mean of the middle two for an even count), as decimal text; null for none. */
export function median(texts) {
    if (texts.length === 0) {
        return null;
    }
    const sorted = [...texts].sort(compare);
    const middle = Math.floor(sorted.length / 2);
    if (sorted.length % 2 === 1) {
        return sorted[middle];
    }
    const [x, y, scale] = align(parse(sorted[middle - 1]), parse(sorted[middle]));
    const sum = x + y;
    return sum % 2n === 0n ? format({ units: sum / 2n, scale }) : format({ units: sum * 5n, scale: scale + 1 });
}
