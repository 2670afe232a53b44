-- wrk script: replays signed notifications from a file written by bench/make_requests.py.
--
--   wrk -t2 -c64 -d10s -s bench/signed.lua http://127.0.0.1:PORT/v1/webhooks/user-retired -- FILE THREADS [MODE]
--
-- FILE     one request per line: webhook-id TAB webhook-timestamp TAB webhook-signature TAB body
-- THREADS  the same number as wrk's -t (each thread keeps every THREADS-th line, starting at its own index,
--          so threads use disjoint requests)
-- MODE     "once" (default): a request is never sent twice. When a thread runs out it stops (the run is
--          then invalid: "exhausted" > 0); the request it must still return is an unsigned one, which the
--          bridge refuses with 401 without storing anything.
--          "cycle": wrap around (only for servers without idempotency or storage, e.g. bench/BareKestrel).
--
-- done() prints one line, easy to parse (times in microseconds):
--   BENCH_RESULT requests=.. duration_us=.. rps=.. status_202=.. non_202=.. sent=.. unanswered=.. exhausted=..
--                err_connect=.. err_read=.. err_write=.. err_timeout=.. p50_us=.. p90_us=.. p99_us=.. p999_us=..
--                max_us=.. mean_us=.. codes=202:N,401:N
-- "unanswered" = requests handed to wrk minus responses seen: the requests cut off when wrk stopped (at most
-- one per connection). The server may still have committed them.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

-- per-thread state (each wrk thread has its own Lua state)
local reqs = {}
local n = 0
local idx = 1
local cycle = false
local probe = nil
status_202 = 0
non_202 = 0
sent = 0
exhausted = 0
codes = {}

function init(args)
   local file = args[1]
   local nthreads = tonumber(args[2])
   local mode = args[3] or "once"
   if not file or not nthreads or nthreads < 1 then
      error("usage: wrk ... -s signed.lua URL -- FILE THREADS [once|cycle]")
   end
   if mode ~= "once" and mode ~= "cycle" then
      error("MODE must be once or cycle, not " .. mode)
   end
   cycle = (mode == "cycle")
   local me = id
   local host = wrk.host .. ":" .. wrk.port
   local path = wrk.path
   local i = 0
   for line in io.lines(file) do
      if i % nthreads == me then
         local wid, ts, sig, body = string.match(line, "^([^\t]+)\t([^\t]+)\t([^\t]+)\t(.+)$")
         if not wid then
            error("bad line " .. (i + 1) .. " in " .. file)
         end
         n = n + 1
         reqs[n] = wrk.format("POST", path, {
            ["Host"] = host,
            ["Content-Type"] = "application/json",
            ["webhook-id"] = wid,
            ["webhook-timestamp"] = ts,
            ["webhook-signature"] = sig,
         }, body)
      end
      i = i + 1
   end
   if n == 0 then
      error("thread " .. me .. " got no requests from " .. file .. " (" .. i .. " lines)")
   end
   probe = wrk.format("POST", path, { ["Host"] = host, ["Content-Type"] = "application/json" }, "{}")
end

function request()
   if idx > n then
      if cycle then
         idx = 1
      else
         exhausted = exhausted + 1
         if exhausted == 1 then
            wrk.thread:stop()
         end
         return probe
      end
   end
   local r = reqs[idx]
   if not cycle then
      reqs[idx] = nil -- never needed again
   end
   idx = idx + 1
   sent = sent + 1
   return r
end

function response(status, headers, body)
   if status == 202 then
      status_202 = status_202 + 1
   else
      non_202 = non_202 + 1
   end
   codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = { status_202 = 0, non_202 = 0, sent = 0, exhausted = 0 }
   local all_codes = {}
   for _, t in ipairs(threads) do
      for k, _ in pairs(total) do
         total[k] = total[k] + (t:get(k) or 0)
      end
      local c = t:get("codes") or {}
      for code, count in pairs(c) do
         all_codes[code] = (all_codes[code] or 0) + count
      end
   end
   local code_list = {}
   for code, count in pairs(all_codes) do
      table.insert(code_list, code .. ":" .. count)
   end
   table.sort(code_list)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d rps=%.1f status_202=%d non_202=%d sent=%d unanswered=%d exhausted=%d" ..
      " err_connect=%d err_read=%d err_write=%d err_timeout=%d" ..
      " p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.0f codes=%s\n",
      summary.requests, summary.duration, summary.requests / seconds,
      total.status_202, total.non_202, total.sent, total.sent - total.status_202 - total.non_202, total.exhausted,
      e.connect, e.read, e.write, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      latency.max, latency.mean, table.concat(code_list, ",")))
end
