-- The 10,000-step metric history (one page: MLflow's client asks for up to 25,000 values).
local run = os.getenv("BENCH_HISTORY_RUN_ID")
local auth = os.getenv("BENCH_AUTH")
local headers = {}
if auth ~= "" then headers["Authorization"] = auth end
request = function()
  return wrk.format("GET", "/api/2.0/mlflow/metrics/get-history?run_id=" .. run .. "&metric_key=history&max_results=25000", headers)
end
