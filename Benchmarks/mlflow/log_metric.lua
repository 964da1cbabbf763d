-- One metric per request to one run: the server's per-request ceiling for small writes.
local run = os.getenv("BENCH_RUN_ID")
local auth = os.getenv("BENCH_AUTH")
local step = 0
request = function()
  step = step + 1
  local body = string.format('{"run_id":"%s","key":"wrk","value":%d,"timestamp":1800000000000,"step":%d}', run, step, step)
  local headers = {["Content-Type"] = "application/json"}
  if auth ~= "" then headers["Authorization"] = auth end
  return wrk.format("POST", "/api/2.0/mlflow/runs/log-metric", headers, body)
end
