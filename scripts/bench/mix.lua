-- The realistic read mix for wrk (scripts/bench_api.sh). Per 100 requests: 30 first pages of one ticker, 10 first
-- pages of everything, 15 pages by cursor, 15 /v1/assets/{ticker}, 10 daily history, 20 revalidations with
-- If-None-Match. Tickers are drawn Zipf-like (exponent MIX_ZIPF_S, default 1.1) from every ticker, in the order
-- MIX_FILE lists them (most popular first). MIX_FILE's lines, tab-separated:
--   ticker  T0001
--   cursor  /v1/data?ticker=T0001&limit=50&cursor=...
--   etag    /v1/data?ticker=T0001&limit=50  "42-..."
local tickers, cdf, cursors, revalidations = {}, {}, {}, {}
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  for line in io.lines(os.getenv("MIX_FILE")) do
    local kind, a, b = line:match("^(%a+)\t([^\t]+)\t?(.*)$")
    if kind == "ticker" then
      tickers[#tickers + 1] = a
    elseif kind == "cursor" then
      cursors[#cursors + 1] = a
    elseif kind == "etag" then
      revalidations[#revalidations + 1] = { a, b }
    end
  end
  local s, total = tonumber(os.getenv("MIX_ZIPF_S") or "1.1"), 0
  for i = 1, #tickers do
    total = total + 1 / i ^ s
    cdf[i] = total
  end
  for i = 1, #tickers do
    cdf[i] = cdf[i] / total
  end
  math.randomseed(os.time() * 7919 + thread_number)
end

-- A ticker with probability proportional to 1 / rank^s: a binary search of the cumulative weights.
local function zipf()
  local u, lo, hi = math.random(), 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return tickers[lo]
end

function request()
  local r = math.random(100)
  if r <= 30 then
    return wrk.format("GET", "/v1/data?ticker=" .. zipf() .. "&limit=50")
  elseif r <= 40 then
    return wrk.format("GET", "/v1/data?limit=50")
  elseif r <= 55 then
    return wrk.format("GET", cursors[math.random(#cursors)])
  elseif r <= 70 then
    return wrk.format("GET", "/v1/assets/" .. zipf())
  elseif r <= 80 then
    return wrk.format("GET", "/v1/assets/" .. zipf() .. "/history?interval=1d")
  end
  local revalidation = revalidations[math.random(#revalidations)]
  return wrk.format("GET", revalidation[1], { ["If-None-Match"] = revalidation[2] })
end
