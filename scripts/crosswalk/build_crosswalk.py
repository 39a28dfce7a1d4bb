#!/usr/bin/env python3
"""Builds the CoinGecko <-> CoinPaprika crosswalk migration from the recorded fixtures.

Usage (from the repository root):

    python3 scripts/crosswalk/build_crosswalk.py --fixtures DIR [--out PATH] [--check]

--fixtures DIR (required) names a folder of recorded API listings, laid out as below; the files are only read. The
repository keeps all of them in tests/IntegrationTests/Sources/Fixtures, so `--fixtures tests/IntegrationTests/Sources/
Fixtures --check` reproduces the seeded crosswalk from a clone. --out writes elsewhere than the migration; --check
writes nothing and exits 1 when the migration on disk differs from what the listings give.

  coingecko/markets_usd_p1_100_*.json           top-100 /coins/markets pages at several dates (id, symbol, name, market_cap_rank)
  coinpaprika/tickers_usd_2500_2023-08-11.json  /v1/tickers, 2500 items (id, symbol, name, rank)   <- primary
  coinpaprika/coins_90_2024-08.json             /v1/coins, 90 items                               <- secondary
  coinpaprika/tickers_usd_2620_2019-10-legacy.json /v1/tickers, 2620 items (2019 schema)          <- secondary

Matching, strictest first. A CoinGecko coin is paired with a CoinPaprika id only when exactly one CoinPaprika
coin qualifies at the first rule that yields any candidate; several candidates at one rule = ambiguous = dropped.
  1. symbol + name:  same symbol (case-insensitive, trimmed) AND same normalized name (NFKC, lower-case,
                     letters/digits only, so zero-width spaces, punctuation and spacing do not matter).
  2. symbol + slug:  same symbol AND the CoinPaprika id is "<symbol>-<slug>" where the slug, normalized, equals the
                     normalized CoinGecko *id* (with a trailing "-<n>" de-duplication suffix removed) or the
                     normalized CoinGecko name. CoinPaprika builds its ids as "<symbol>-<name-slug>", and CoinGecko ids
                     are name slugs too, so this catches renamed coins whose id kept the old name
                     (coingecko `binancecoin` "BNB" = coinpaprika `bnb-binance-coin` "Binance Coin").
  3. curated:        OVERRIDES below, each checked by hand and justified (symbol changed, name rebranded, ...).
A symbol match alone is never enough: different coins share symbols (HEX, PEPE, UNI, and bridged/wrapped copies such
as `binance-peg-weth` or `wrapped-solana`, whose symbols equal WETH's or SOL's). Wrapped, bridged and staked tokens
therefore only ever match a CoinPaprika coin with their own name (WBTC <-> wbtc-wrapped-bitcoin, never btc-bitcoin).
Every pair is checked once more by REJECT (pairs found by the rules but wrong on review), and an id may be used by one
coin only on each side.

The canonical key is the CoinGecko id (as in 0002_reference_data.sql). The output is deterministic (sorted by the best
market-cap rank seen, then id) so re-running the script on the same fixtures reproduces the same file byte for byte.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import unicodedata

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MIGRATIONS_DIR = os.path.join(REPO, "src/Infrastructure/Persistence/Migrations")
MIGRATION = os.path.join(MIGRATIONS_DIR, "0003_crosswalk_top100.sql")
CG_GLOB = "coingecko/markets_usd_p1_100_*.json"
CP_FILES = [  # (file, tier). Ids are searched in the recent tier first; 2019 ids only when nothing recent fits, because
    # CoinPaprika re-keyed some coins since (nano-nano -> xno-nano, kcs-kucoin-shares -> kcs-kucoin-token,
    # hav-havven -> snx-synthetix-network-token, btt-bittorrent (old BTT) -> bttc-bittorrent-chain).
    ("coinpaprika/coins_90_2024-08.json", "recent"),
    ("coinpaprika/tickers_usd_2500_2023-08-11.json", "recent"),
    ("coinpaprika/tickers_usd_2620_2019-10-legacy.json", "legacy"),
]

# Curated pairs the rules cannot find, each verified by hand against the fixtures. coingecko id -> (coinpaprika id, why).
# Only ids present in the 2023/2024 CoinPaprika files are allowed (checked at run time).
OVERRIDES: dict[str, tuple[str, str]] = {
    "bittorrent": ("bttc-bittorrent-chain", "new BTT (redenominated 2022): CP first_data 2022-02, 2024 file calls it BTT BitTorrent, "
                   "2023-08 price 4.64e-7 vs CG 4.63e-7"),
    "celsius-degree-token": ("cel-celsius", "CEL, Celsius Network = CoinPaprika 'Celsius'"),
    "conflux-token": ("cfx-conflux-network", "CFX, Conflux = CoinPaprika 'Conflux Network'"),
    "coredaoorg": ("core-core-dao", "CG 'Core' (id coredaoorg) is Core DAO; the other CORE ids are Coreum and cVault.finance"),
    "elrond-erd-2": ("egld-elrond", "EGLD, MultiversX = CoinPaprika 'MultiversX (Elrond)' (erd-elrond is the pre-2020 ERD token)"),
    "fetch-ai": ("fetch-ai", "FET: Fetch.ai renamed Artificial Superintelligence Alliance on CoinGecko in 2024; CoinPaprika id is 'fetch-ai'"),
    "flare-networks": ("flr-flare-network", "FLR, Flare = CoinPaprika 'Flare Network' (2024 file)"),
    "floki": ("floki-floki-inu", "FLOKI: Floki Inu renamed itself FLOKI; one FLOKI id on CoinPaprika"),
    "havven": ("snx-synthetix-network-token", "SNX Synthetix; CoinPaprika's 2019 id hav-havven was replaced by this one (2023 file)"),
    "jupiter-exchange-solana": ("jup-jupiter-exchange-token", "JUP, Jupiter (Solana, 2024): the only JUP id, rank 68 in the 2024 file"),
    "kucoin-shares": ("kcs-kucoin-token", "KCS KuCoin; 2019 id kcs-kucoin-shares was replaced by this one; 2023-08 price x0.998"),
    "nano": ("xno-nano", "Nano, ticker NANO -> XNO; 2019 id nano-nano was replaced by xno-nano (2023 file)"),
    "paxos-standard": ("usdp-paxos-standard-token", "USDP Pax Dollar, formerly PAX Paxos Standard; 2019 id pax-paxos-standard-token was replaced"),
    "pirate-chain": ("arrr-pirate", "ARRR, Pirate Chain = CoinPaprika 'Pirate' (the only ARRR, first data 2018-11)"),
    "terra-luna": ("luna-terra", "original Terra, now LUNC 'Terra Luna Classic' = CoinPaprika 'Terra Classic' LUNC; 2023-08 price x1.007 "
                   "(NOT luna-terra-v2, the 2022 chain)"),
    "terrausd": ("ust-terrausd", "UST TerraUSD, now USTC 'Terra Classic USD' on CoinPaprika"),
}

# Pairs the rules find but that are wrong or not certain enough on review: coingecko id -> reason. Dropped.
REJECT: dict[str, str] = {
    "beam-2": "CG beam-2 is Merit Circle's Beam (2023-10); CP beam-beam is the Mimblewimble BEAM (first data 2019-01): different coins",
    "bittorrent-2": "old BTT (pre-2022 redenomination, 2021 price 0.0025): bttc-bittorrent-chain is the new BTT (see bittorrent); "
                    "the old CP id btt-bittorrent exists only in the 2019 file",
    "dydx": "ethDYDX (Ethereum token). CP dydx-dydx was that token in 2023-08, but whether CoinPaprika moved the id to the dYdX Chain "
            "token is not settled by the fixtures (public code maps it both ways)",
    "dydx-chain": "dYdX Chain DYDX (2023-10) matches CP dydx-dydx by symbol+name, but dydx-dydx (first data 2021-11) is the Ethereum "
                  "token in the 2023 file: the 'dydx id trap'",
    "hash-2": "Provenance Blockchain HASH (2021+) vs CP hash-hash, a 2019 HASH ranked 1787: different coins",
    "mdex": "CG mdex (2021, HECO-era MDX) vs CP mdx-mdex 'Mdex (BSC)' first data 2021-08: possibly only the BSC deployment, not sure",
}

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)


def clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").translate(ZERO_WIDTH).strip()


def norm(text: str) -> str:
    """Lower-case letters and digits only (ASCII after stripping accents)."""
    decomposed = unicodedata.normalize("NFKD", clean(text)).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", decomposed.lower())


def sym(text: str) -> str:
    return clean(text).lower()


def load_json(path: str):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_coingecko(root: str):
    """Union of the CoinGecko coins; the most recent file gives the name and symbol."""
    coins: dict[str, dict] = {}
    files = sorted(glob.glob(os.path.join(root, CG_GLOB)))  # dates in the names sort chronologically
    for path in files:
        date = os.path.basename(path).rsplit("_", 1)[1].removesuffix(".json")
        for item in load_json(path):
            coin = coins.setdefault(item["id"], {"id": item["id"], "dates": [], "best_rank": None})
            coin["symbol"] = clean(item["symbol"])
            coin["name"] = clean(item["name"])
            coin["dates"].append(date)
            coin.setdefault("prices", {})[date] = item.get("current_price")
            rank = item.get("market_cap_rank")
            if rank is not None and (coin["best_rank"] is None or rank < coin["best_rank"]):
                coin["best_rank"] = rank
    return files, coins


def load_coinpaprika(root: str):
    """Every CoinPaprika id with each (symbol, name) it carried in any file, the tier of its newest file and its
    2023-08-11 USD price (for the price check). CoinPaprika ids are stable, but symbols and names change
    (toncoin-the-open-network was TONCOIN "The Open Network" in 2023 and TON "Toncoin" in 2024), so every alias counts."""
    coins: dict[str, dict] = {}
    for relative, tier in CP_FILES:
        for item in load_json(os.path.join(root, relative)):
            cp = coins.setdefault(item["id"], {"id": item["id"], "aliases": [], "tier": tier, "file": os.path.basename(relative),
                                               "symbol": clean(item["symbol"]), "name": clean(item["name"]), "price": None})
            alias = (clean(item["symbol"]), clean(item["name"]))
            if alias not in cp["aliases"]:
                cp["aliases"].append(alias)
            if cp["price"] is None and relative.startswith("coinpaprika/tickers_usd_2500"):
                cp["price"] = item["quotes"]["USD"]["price"]
    return coins


def cg_id_slug(cg_id: str) -> str:
    return norm(re.sub(r"-\d+$", "", cg_id))


def id_slug(cp_id: str, symbol: str) -> str:
    """The name part of a CoinPaprika id "<symbol>-<name-slug>", normalized; "" when the id does not start so."""
    prefix = re.sub(r"[^a-z0-9]+", "-", sym(symbol)).strip("-") + "-"
    return norm(cp_id[len(prefix):]) if cp_id.startswith(prefix) else ""


def match(cg: dict, by_symbol: dict[str, list[dict]]):
    """Returns (rule, [candidate cp ids]) for the first rule and tier that yields any candidate, or (None, [])."""
    symbol, name, slugs = sym(cg["symbol"]), norm(cg["name"]), {cg_id_slug(cg["id"]), norm(cg["name"])}
    rules = [
        ("symbol+name", lambda cp: any(sym(s) == symbol and norm(n) == name for s, n in cp["aliases"])),
        ("symbol+slug", lambda cp: any(sym(s) == symbol and id_slug(cp["id"], s) in slugs for s, _ in cp["aliases"])),
    ]
    for tier in ("recent", "legacy"):
        candidates = [cp for cp in by_symbol.get(symbol, []) if cp["tier"] == tier]
        for rule, test in rules:
            found = [cp["id"] for cp in candidates if test(cp)]
            if found:
                return (rule if tier == "recent" else rule + " (2019 id)"), found
    return None, []


def near_misses(cg: dict, paprika: dict[str, dict], by_symbol: dict[str, list[dict]]) -> list[str]:
    """Hints for the unmatched list: same-symbol coins, and same-name coins with another symbol."""
    hints = [f"{cp['id']} ({cp['name']})" for cp in by_symbol.get(sym(cg["symbol"]), [])]
    hints += [f"{cp['id']} ({cp['symbol']})" for cp in paprika.values()
              if any(norm(n) == norm(cg["name"]) for _, n in cp["aliases"]) and cp not in by_symbol.get(sym(cg["symbol"]), [])]
    return hints[:6]


def price_check(cg: dict, cp: dict) -> str:
    """CoinGecko 2023-08-12 ~00:41Z price / CoinPaprika 2023-08-11 ~07:30Z price, when both exist. A pair of one coin
    is within a few percent (a stablecoin or BTC moves little in 17 hours); a wrong pair is usually far off."""
    gecko_price, paprika_price = cg["prices"].get("2023-08-12"), cp["price"]
    if not gecko_price or not paprika_price:
        return ""
    ratio = gecko_price / paprika_price
    return f"price x{ratio:.3f}" + ("  <-- PRICE MISMATCH" if not 0.85 <= ratio <= 1.18 else "")


def seeded_pairs(migrations_dir: str) -> dict[tuple[str, str], str]:
    """(source, source_asset_id) -> canonical_key of the rows 0002_reference_data.sql already inserts."""
    with open(os.path.join(migrations_dir, "0002_reference_data.sql"), encoding="utf-8") as handle:
        text = handle.read()
    return {(source, asset): key for key, source, asset in
            re.findall(r"\(\s*'([^']+)',\s*'(coingecko|coinpaprika)',\s*'([^']+)'\s*\)", text)}


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def render(pairs: list[tuple[dict, dict, str]], cg_files: list[str]) -> str:
    # The header reproduces the applied migration byte for byte (--check compares them, and an applied script is
    # checksummed), so it keeps the command line that generated it.
    lines = [
        "-- Curated crosswalk: CoinGecko id <-> CoinPaprika id for the coins of the CoinGecko top-100 pages recorded in the",
        "-- fixtures, canonical_key = the CoinGecko id (as in 0002_reference_data.sql, whose pairs repeat here harmlessly).",
        "-- GENERATED by `python3 scripts/crosswalk/build_crosswalk.py --fixtures /work/shared/fixtures` (its report lists the",
        "-- unmatched, ambiguous and rejected coins). Do not edit by hand: an applied migration is checksummed, so a change goes",
        "-- into a new numbered script. Inputs (recorded API responses, provenance in fixtures/SOURCES.md):",
        *[f"--   fixtures/{os.path.relpath(p, os.path.dirname(os.path.dirname(p)))}" for p in cg_files],
        *[f"--   fixtures/{p}" for p, _ in CP_FILES],
        "-- Pairs: same symbol and same normalized name, else same symbol and CoinPaprika id '<symbol>-<slug of the CoinGecko",
        "-- id or name>', else a hand-checked override; ambiguous or doubtful pairs are left out. Wrapped, bridged and staked",
        "-- tokens are their own coins. Existing rows (an operator's own) are never overwritten.",
        f"-- {len(pairs)} coins, {2 * len(pairs)} rows.",
        "INSERT INTO asset_crosswalk (canonical_key, source, source_asset_id) VALUES",
    ]
    rows = []
    for cg, cp, _ in pairs:
        key = sql_string(cg["id"])
        rows.append(f"    ({key}, 'coingecko', {key})")
        rows.append(f"    ({key}, 'coinpaprika', {sql_string(cp['id'])})")
    lines.append(",\n".join(rows))
    lines.append("ON CONFLICT (source, source_asset_id) DO NOTHING;")
    return "\n".join(lines) + "\n"


def main() -> int:
    usage = __doc__.split("Usage (from the repository root):", 1)[1].split("\nMatching,", 1)[0]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog="Usage (from the repository root):" + usage,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", required=True, metavar="DIR",
                        help="folder of recorded listings: coingecko/markets_usd_p1_100_*.json and the coinpaprika/ files above")
    parser.add_argument("--out", default=MIGRATION)
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the file on disk differs")
    args = parser.parse_args()

    cg_files, gecko = load_coingecko(args.fixtures)
    paprika = load_coinpaprika(args.fixtures)
    by_symbol: dict[str, list[dict]] = {}
    for cp in paprika.values():
        for symbol in dict.fromkeys(sym(s) for s, _ in cp["aliases"]):
            by_symbol.setdefault(symbol, []).append(cp)

    order = sorted(gecko.values(), key=lambda c: (c["best_rank"] if c["best_rank"] is not None else 10**6, c["id"]))
    pairs: list[tuple[dict, dict, str]] = []
    unmatched, ambiguous, rejected = [], [], []
    for cg in order:
        if cg["id"] in OVERRIDES:
            cp_id, reason = OVERRIDES[cg["id"]]
            if cp_id not in paprika or paprika[cp_id]["tier"] != "recent":
                raise SystemExit(f"override {cg['id']} -> {cp_id}: not in the 2023/2024 CoinPaprika fixtures")
            pairs.append((cg, paprika[cp_id], f"curated: {reason}"))
            continue
        rule, found = match(cg, by_symbol)
        if cg["id"] in REJECT:
            rejected.append((cg, ", ".join(found) or "-", REJECT[cg["id"]]))
        elif len(found) > 1:
            ambiguous.append((cg, rule, found))
        elif not found:
            unmatched.append(cg)
        else:
            pairs.append((cg, paprika[found[0]], rule))

    # One id per side: a CoinPaprika id claimed twice is ambiguous, both claims are dropped.
    claims: dict[str, list[str]] = {}
    for cg, cp, _ in pairs:
        claims.setdefault(cp["id"], []).append(cg["id"])
    twice = {cp_id for cp_id, owners in claims.items() if len(owners) > 1}
    for cg, cp, rule in [p for p in pairs if p[1]["id"] in twice]:
        ambiguous.append((cg, rule, [cp["id"] + " (claimed by " + ", ".join(claims[cp["id"]]) + ")"]))
    pairs = [p for p in pairs if p[1]["id"] not in twice]

    # The rows 0002 seeded must keep their canonical key: a (source, id) seeded under another key would be skipped by
    # ON CONFLICT and leave this coin half-mapped.
    seeded = seeded_pairs(MIGRATIONS_DIR)
    for cg, cp, _ in pairs:
        for source, asset in (("coingecko", cg["id"]), ("coinpaprika", cp["id"])):
            if seeded.get((source, asset), cg["id"]) != cg["id"]:
                raise SystemExit(f"{source} {asset} is seeded by 0002 under {seeded[(source, asset)]}, not {cg['id']}")
    missing = {key for key in seeded.values()} - {cg["id"] for cg, _, _ in pairs}
    if missing:
        raise SystemExit(f"coins seeded by 0002 not matched here (the rules or overrides are wrong): {sorted(missing)}")

    text = render(pairs, cg_files)
    out = sys.stdout
    print(f"CoinGecko coins (union of {len(cg_files)} files): {len(gecko)}; CoinPaprika ids known: {len(paprika)}", file=out)
    by_rule: dict[str, int] = {}
    for _, _, rule in pairs:
        by_rule[rule.split(":")[0]] = by_rule.get(rule.split(":")[0], 0) + 1
    print(f"MATCHED {len(pairs)}  " + ", ".join(f"{k}: {v}" for k, v in sorted(by_rule.items())), file=out)
    for cg, cp, rule in pairs:
        cp_names = " / ".join(f"{s} {n}" for s, n in cp["aliases"])
        print(f"  #{cg['best_rank']!s:>4} {cg['id']:<36} {cg['symbol']:<8} {cg['name'][:28]:<28} -> {cp['id']:<36} {cp_names[:48]:<48} "
              f"[{rule}] {price_check(cg, cp)}", file=out)
    print(f"\nUNMATCHED {len(unmatched)} (no CoinPaprika coin with the same symbol and name in the fixtures)", file=out)
    for cg in unmatched:
        hints = near_misses(cg, paprika, by_symbol)
        print(f"  #{cg['best_rank']!s:>4} {cg['id']:<42} {cg['symbol']:<8} {cg['name'][:34]:<34} first seen {cg['dates'][0]}"
              + (f"   near: {'; '.join(hints)}" if hints else ""), file=out)
    print(f"\nAMBIGUOUS (dropped) {len(ambiguous)}", file=out)
    for cg, rule, found in ambiguous:
        print(f"  {cg['id']} ({cg['symbol']}, {cg['name']}) [{rule}] -> {', '.join(found)}", file=out)
    print(f"\nREJECTED on review (dropped, see REJECT in the script) {len(rejected)}", file=out)
    for cg, cp_id, reason in rejected:
        print(f"  {cg['id']} -> {cp_id}: {reason}", file=out)

    if args.check:
        with open(args.out, encoding="utf-8") as handle:
            same = handle.read() == text
        print(f"\n{args.out}: {'up to date' if same else 'DIFFERS from the generated text'}", file=out)
        return 0 if same else 1
    with open(args.out, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    print(f"\nwrote {args.out}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
