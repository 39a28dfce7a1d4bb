-- Reference data kept as rows, not code: the curated crosswalk and the ticker aliases. Later scripts add rows the
-- same way (INSERT ... ON CONFLICT DO NOTHING), so a row an operator added by hand is never overwritten.

-- Ids of one coin across sources share a canonical_key. CoinPaprika ids are "<symbol>-<name>", CoinGecko's are names.
INSERT INTO asset_crosswalk (canonical_key, source, source_asset_id) VALUES
    ('bitcoin',     'coinpaprika', 'btc-bitcoin'),
    ('bitcoin',     'coingecko',   'bitcoin'),
    ('ethereum',    'coinpaprika', 'eth-ethereum'),
    ('ethereum',    'coingecko',   'ethereum'),
    ('tether',      'coinpaprika', 'usdt-tether'),
    ('tether',      'coingecko',   'tether'),
    ('binancecoin', 'coinpaprika', 'bnb-binance-coin'),
    ('binancecoin', 'coingecko',   'binancecoin'),
    ('solana',      'coinpaprika', 'sol-solana'),
    ('solana',      'coingecko',   'solana'),
    ('ripple',      'coinpaprika', 'xrp-xrp'),
    ('ripple',      'coingecko',   'ripple'),
    ('usd-coin',    'coinpaprika', 'usdc-usd-coin'),
    ('usd-coin',    'coingecko',   'usd-coin'),
    ('cardano',     'coinpaprika', 'ada-cardano'),
    ('cardano',     'coingecko',   'cardano'),
    ('dogecoin',    'coinpaprika', 'doge-dogecoin'),
    ('dogecoin',    'coingecko',   'dogecoin'),
    ('tron',        'coinpaprika', 'trx-tron'),
    ('tron',        'coingecko',   'tron')
ON CONFLICT (source, source_asset_id) DO NOTHING;

-- Only aliases that are unambiguous: XBT (ISO 4217-style code used by Kraken, BitMEX) and XDG (Kraken's Dogecoin).
INSERT INTO ticker_aliases (alias, ticker) VALUES
    ('XBT', 'BTC'),
    ('XDG', 'DOGE')
ON CONFLICT (alias) DO NOTHING;
