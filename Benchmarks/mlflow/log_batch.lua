-- 1000 metrics per request (the client's chunk size), each request with fresh steps.
local run = os.getenv("BENCH_RUN_ID")
local auth = os.getenv("BENCH_AUTH")
local counter = 0
request = function()
  counter = counter + 1
  local metrics = {}
  for i = 1, 1000 do
    metrics[i] = string.format('{"key":"batch","value":%d.5,"timestamp":1800000000000,"step":%d}', i, counter * 1000 + i)
  end
  local body = string.format('{"run_id":"%s","metrics":[%s]}', run, table.concat(metrics, ","))
  local headers = {["Content-Type"] = "application/json"}
  if auth ~= "" then headers["Authorization"] = auth end
  return wrk.format("POST", "/api/2.0/mlflow/runs/log-batch", headers, body)
end
