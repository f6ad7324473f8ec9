-- wrk script for benches/load/run.sh: POSTs GraphQL JSON bodies to /graphql.
--
-- Settings, from the environment (run.sh sets them):
--   BENCH_BODIES   file with one JSON request body per line; each thread takes
--                  every BENCH_THREADS-th line and cycles through its share
--   BENCH_KIND     "query" or "mutation" (mutations also count answers whose
--                  `userErrors` are not empty)
--   BENCH_THREADS  the -t given to wrk
--   BENCH_RESULT   where done() writes one line of key=value results
--
-- wrk itself counts non-2xx answers (summary.errors.status); this script
-- also counts 200 answers carrying GraphQL "errors" and, for mutations,
-- answers whose userErrors are not empty.

local bodies_path = os.getenv("BENCH_BODIES")
local kind = os.getenv("BENCH_KIND") or "query"
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local result_path = os.getenv("BENCH_RESULT")

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path = bodies_path
  is_mutation = (kind == "mutation")
  requests = {}
  local i = 0
  for line in io.lines(path) do
    if line ~= "" then
      if i % nthreads == tid then
        table.insert(requests, wrk.format("POST", "/graphql",
          { ["Content-Type"] = "application/json" }, line))
      end
      i = i + 1
    end
  end
  if #requests == 0 then
    -- fewer bodies than threads: share the first one
    for line in io.lines(path) do
      table.insert(requests, wrk.format("POST", "/graphql",
        { ["Content-Type"] = "application/json" }, line))
      break
    end
  end
  idx = 0
  gql_errors = 0
  user_errors = 0
  first_bad = ""
end

function request()
  idx = idx % #requests + 1
  return requests[idx]
end

function response(status, headers, body)
  if status == 200 then
    if string.find(body, '"errors":', 1, true) then
      gql_errors = gql_errors + 1
      if first_bad == "" then first_bad = string.sub(body, 1, 300) end
    elseif is_mutation and not string.find(body, '"userErrors":[]', 1, true) then
      user_errors = user_errors + 1
      if first_bad == "" then first_bad = string.sub(body, 1, 300) end
    end
  elseif first_bad == "" then
    first_bad = "HTTP " .. status .. ": " .. string.sub(body or "", 1, 300)
  end
end

function done(summary, latency, requests_)
  local gql, usr, bad = 0, 0, ""
  for _, t in ipairs(threads) do
    gql = gql + (t:get("gql_errors") or 0)
    usr = usr + (t:get("user_errors") or 0)
    local b = t:get("first_bad") or ""
    if bad == "" and b ~= "" then bad = b end
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local out = assert(io.open(result_path, "w"))
  out:write(string.format(
    "requests=%d rps=%.2f p50=%d p90=%d p99=%d max=%d status=%d gqlerr=%d usererr=%s connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, gql, (kind == "mutation") and tostring(usr) or "-",
    e.connect, e.read, e.write, e.timeout))
  out:close()
  io.write(string.format(
    "  -> %d requests, %.1f req/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d, GraphQL errors %d, user errors %d\n",
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status, gql, usr))
  if bad ~= "" then
    io.write("  first bad answer: " .. bad .. "\n")
  end
end
