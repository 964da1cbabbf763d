-- search_runs over the 10,000-run experiment with a metric and a param filter, 100 rows.
local experiment = os.getenv("BENCH_EXPERIMENT_ID")
local auth = os.getenv("BENCH_AUTH")
local headers = {["Content-Type"] = "application/json"}
if auth ~= "" then headers["Authorization"] = auth end
local body = string.format('{"experiment_ids":["%s"],"filter":"metrics.acc > 0.5 and params.model = \'cnn\'","max_results":100}', experiment)
request = function()
  return wrk.format("POST", "/api/2.0/mlflow/runs/search", headers, body)
end
