-- wrk script: POST one webhook message per request with the API key from HERALD_API_KEY.
local key = os.getenv("HERALD_API_KEY") or "bench-key"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key
local counter = 0
request = function()
    counter = counter + 1
    local body = string.format('{"content":"bench %d","metadata":{"n":%d}}', counter, counter)
    return wrk.format(nil, "/api/v1/messages", nil, body)
end
