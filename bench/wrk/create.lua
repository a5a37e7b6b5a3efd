-- wrk script: every request creates a session (POST /api/vote with a two-choice draft).
--
--   wrk -t1 -c50 -d10s --latency -s bench/wrk/create.lua http://127.0.0.1:8000
--
-- Counts 201s and anything else; done() prints one machine-readable "BENCH_JSON " line in
-- the shape of vote.lua's (sent, ok, non_ok, statuses), so bench/sessions.py can check the
-- number of stored sessions against the 201s and the requests left in flight.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local body = '{"question":"Creation benchmark","voteType":"single",'
   .. '"choices":[{"text":"Yes"},{"text":"No"}]}'
sent = 0
ok = 0
non201 = 0
statuses = ""
local by_status = {}

function init(args)
   wrk.method = "POST"
   wrk.body = body
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   sent = sent + 1
   return wrk.format("POST", "/api/vote", nil, body)
end

function response(status, headers, body)
   if status == 201 then
      ok = ok + 1
   else
      non201 = non201 + 1
      by_status[status] = (by_status[status] or 0) + 1
      local parts = {}
      for s, n in pairs(by_status) do table.insert(parts, s .. "=" .. n) end
      statuses = table.concat(parts, ",")
   end
end

function done(summary, latency, requests)
   local total_sent, total_ok, total_non201, counts, seen = 0, 0, 0, {}, {}
   for i, t in ipairs(threads) do
      total_sent = total_sent + t:get("sent")
      -- wrk calls request() once on the first thread to check the script; never sent.
      if i == 1 then total_sent = total_sent - 1 end
      total_ok = total_ok + t:get("ok")
      total_non201 = total_non201 + t:get("non201")
      for status, n in string.gmatch(t:get("statuses"), "(%d+)=(%d+)") do
         counts[status] = (counts[status] or 0) + tonumber(n)
      end
   end
   for status, n in pairs(counts) do table.insert(seen, status .. "=" .. n) end
   local e = summary.errors
   io.write(string.format("creates: %d sent, %d x 201, %d non-201 %s\n",
      total_sent, total_ok, total_non201, table.concat(seen, ",")))
   io.write(string.format(
      'BENCH_JSON {"kind":"create","duration_us":%d,"requests":%d,'
      .. '"sent":%d,"ok":%d,"non_ok":%d,"statuses":"%s",'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
      summary.duration, summary.requests,
      total_sent, total_ok, total_non201, table.concat(seen, ","),
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max))
end
