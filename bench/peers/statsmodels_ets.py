"""statsmodels ETS as a peer of `auto` (bench/forecast-peers.ts).

stdin: {"h": H, "series": [{"node": N, "values": [...], "period": M, "origins": [o, ...]}]}
stdout: {"version": V, "series": [{"node": N, "windows": [{"origin": o, "point": [...],
         "lo80": [...], "hi80": [...], "lo95": [...], "hi95": [...]} | {"origin": o, "error": "..."}]}]}

The model is ETS(A,Ad,A) at the series' period (ETS(A,Ad,N) when it has none),
heuristic initial states, its own analytic prediction intervals. Parameters are
estimated by maximum likelihood at each series' first origin and kept for the
later origins (the model is re-filtered on the longer history): a seasonal fit
with period 288 takes ~5 s here, re-filtering ~0.5 s, and the bench must stay
within minutes. A failure is reported per window, never raised.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsmodels  # noqa: E402
from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # noqa: E402


def model(y, period):
    kw = dict(error="add", trend="add", damped_trend=True)
    if period > 1 and len(y) >= 2 * period:
        kw.update(seasonal="add", seasonal_periods=period, initialization_method="heuristic")
    # A pandas Series: this statsmodels' get_prediction fails on a bare ndarray.
    return ETSModel(pd.Series(np.asarray(y, dtype=float)), **kw)


def window(res, n, h, origin):
    p = res.get_prediction(start=n, end=n + h - 1)
    f80 = p.summary_frame(alpha=0.2)
    f95 = p.summary_frame(alpha=0.05)
    return {
        "origin": origin,
        "point": f80["mean"].tolist(),
        "lo80": f80["pi_lower"].tolist(), "hi80": f80["pi_upper"].tolist(),
        "lo95": f95["pi_lower"].tolist(), "hi95": f95["pi_upper"].tolist(),
    }


def main():
    req = json.load(sys.stdin)
    h = int(req["h"])
    out = []
    for s in req["series"]:
        values = s["values"]
        params = None
        windows = []
        for o in sorted(s["origins"]):
            try:
                m = model(values[:o], int(s["period"]))
                res = m.fit(disp=False) if params is None else m.smooth(params)
                params = res.params if params is None else params
                windows.append(window(res, o, h, o))
            except Exception as e:  # the row reports failures; the bench goes on
                windows.append({"origin": o, "error": f"{type(e).__name__}: {e}"[:200]})
        out.append({"node": s["node"], "windows": windows})
    json.dump({"version": statsmodels.__version__, "series": out}, sys.stdout)


if __name__ == "__main__":
    main()
