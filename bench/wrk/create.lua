-- wrk script: every request creates a session (POST /api/vote with a two-choice draft).
--
--   wrk -t1 -c50 -d10s --latency -s bench/wrk/create.lua http://127.0.0.1:8000
--
-- Counts 201s and anything else; done() prints common.lua's "BENCH_JSON " line, so
-- bench/sessions.py can check the number of stored sessions against the 201s and the
-- requests left in flight.

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "common.lua")

setup = common.setup
response = common.response

local body = '{"question":"Creation benchmark","voteType":"single",'
   .. '"choices":[{"text":"Yes"},{"text":"No"}]}'

function request()
   sent = sent + 1
   return wrk.format("POST", "/api/vote", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
   common.report("create", "creates", summary, latency)
end
