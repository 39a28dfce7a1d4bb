# Builds the benchmark CSV from real recorded prices.
#
#   awk -v rows=1000000 -f gen_quotes.awk data/btc-usd-max.csv data/eth-usd-max.csv > quotes.csv
#
# Each input is a CoinGecko per-coin export (snapped_at,price,market_cap,total_volume). Synthetic coins
# C0001, C0002, ... ("Coin 0001", ...) take the real series in turn (BTC, ETH, BTC, ...), every value
# scaled by a per-coin factor in [0.25, 4.25), on the series' own dates; coins are added until exactly
# `rows` data rows are written, so every (symbol, date) is unique. Empty market caps stay empty.
# Output header: symbol,name,date,price,market_cap,volume (prices with 8 decimals, amounts with 2).
BEGIN {
    FS = ","
    if (rows !~ /^[0-9]+$/ || rows < 1) { print "gen_quotes.awk: rows must be a positive integer" > "/dev/stderr"; exit 2 }
}
FNR == 1 { series++; next }
$2 != "" {
    k = series
    n[k]++
    day[k, n[k]] = substr($1, 1, 10)
    price[k, n[k]] = $2
    cap[k, n[k]] = $3
    vol[k, n[k]] = $4
}
END {
    if (series == 0) exit 2
    print "symbol,name,date,price,market_cap,volume"
    out = 0
    for (c = 1; out < rows; c++) {
        k = (c - 1) % series + 1
        f = 0.25 + ((c * 7919) % 1000) / 250
        sym = sprintf("C%04d", c)
        name = sprintf("Coin %04d", c)
        for (i = 1; i <= n[k] && out < rows; i++) {
            printf "%s,%s,%s,%.8f,%s,%s\n", sym, name, day[k, i], price[k, i] * f, amount(cap[k, i], f), amount(vol[k, i], f)
            out++
        }
    }
}
function amount(x, f) { return x == "" ? "" : sprintf("%.2f", x * f) }
