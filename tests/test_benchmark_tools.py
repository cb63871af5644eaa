"""The benchmark scripts' own parsing, on output written by hand."""

from benchmarks.bench_throughput import wrk_figures

# wrk 4.2's report; the thread table's "+/- Stdev" column holds 90.50%, which ends in "50%".
WRK = """Running 15s test @ http://127.0.0.1:8123/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.02ms  21.40ms   90.50%
    Req/Sec     1.30k   101.22     1.51k    71.33%
  Latency Distribution
     50%    2.87ms
     75%    3.41ms
     90%    4.12ms
     99%    7.96ms
  38840 requests in 15.01s, 210.44MB read
Requests/sec:   2587.61
Transfer/sec:     14.02MB
"""


def test_wrk_latencies_are_read_from_the_distribution_not_the_stdev_column():
    assert wrk_figures(WRK) == {"requests/s": "2587.61", "median latency": "2.87ms", "99% latency": "7.96ms"}
