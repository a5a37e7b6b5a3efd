-- wrk script: every request is one new participant upvoting ONE audience question of an
-- event (or, with a question id, answering one question: the comparison in the same run).
--
--   wrk -t1 -c50 -d10s --latency -s bench/wrk/upvote.lua http://127.0.0.1:8000 -- <EVENT_ID> qa <ENTRY_ID>
--   wrk -t1 -c50 -d10s --latency -s bench/wrk/upvote.lua http://127.0.0.1:8000 -- <EVENT_ID> answer <QUESTION_ID>
--
-- Voter cookies are unique per run, thread and request, as in vote.lua, so every request
-- should be a fresh 201. done() prints the "BENCH_JSON " line of common.lua.

local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "common.lua")

setup = common.setup
response = common.response

local path, body
local counter = 0

function init(args)
   local event, kind, target = args[1], args[2], args[3]
   if event == nil or target == nil then
      error("usage: wrk ... -s upvote.lua URL -- <EVENT_ID> qa|answer <ENTRY_ID|QUESTION_ID>")
   end
   if kind == "qa" then
      path = "/api/events/" .. event .. "/qa/" .. target .. "/upvote"
      body = nil
   else
      path = "/api/events/" .. event .. "/questions/" .. target .. "/responses"
      body = '{"choiceIds":["1"]}'
   end
end

function request()
   counter = counter + 1
   sent = sent + 1
   local headers = {["Cookie"] = "tohyo_voter=" .. common.voter_token(counter)}
   if body ~= nil then headers["Content-Type"] = "application/json" end
   return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
   common.report("upvote", "upvotes", summary, latency)
end
