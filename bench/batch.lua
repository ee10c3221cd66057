-- wrk script: POST batches of 100 webhook messages to /api/v1/messages/batch with the API key
-- from HERALD_API_KEY. Each request counts as 100 messages.
local key = os.getenv("HERALD_API_KEY") or "bench-key"
wrk.method = "POST"
wrk.path = "/api/v1/messages/batch"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
local items = {}
for i = 1, 100 do
    items[i] = string.format('{"content":"bench %d","metadata":{"n":%d}}', i, i)
end
wrk.body = '{"messages":[' .. table.concat(items, ",") .. ']}'
