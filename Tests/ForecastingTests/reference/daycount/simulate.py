# DayCount (Sources/Forecasting/DatedPeriods.swift) re-implemented: its misreadings on simulated
# monthly series (SYNTHETIC, seed 0). Flows: 1% growth a month plus Gaussian noise per day;
# figures: the same less log(days). The rates in the docs come from this run.
import numpy as np, calendar
def months(n, y0=2022):
    return [calendar.monthrange(y0+k//12, k%12+1)[1] for k in range(n)]
def slope(pairs):
    if len(pairs) < 8: return None
    dx=np.array([p[0] for p in pairs]); dy=np.array([p[1] for p in pairs]); n=len(dx)
    mx,my=dx.mean(),dy.mean(); sxx=((dx-mx)**2).sum()
    if sxx<=0: return None
    b=((dx-mx)*(dy-my)).sum()/sxx
    u=(dx-mx)*(dy-my-b*(dx-mx)); s=(u*u).sum()
    for lag in (1,2):
        w=1-lag/3; s+=2*w*(u[lag:]*u[:-lag]).sum()
    return b, np.sqrt(max(s,0)*n/(n-2))/sxx
def holds(pairs):
    f=slope([(a,b) for a,b,_ in pairs]); return f is not None and f[0]<-0.5 and f[0]+2*f[1]<0
def rule(z,d):
    pairs=[(np.log(d[i]/d[i-1]), z[i]-z[i-1], i) for i in range(1,len(z))]
    if not holds(pairs): return False
    for f in [i for i in range(len(d)) if d[i]<30]:
        if not holds([p for p in pairs if p[2]!=f and p[2]!=f+1]): return False
    return True
rng=np.random.default_rng(0)
for n in [24,36,60]:
  d=months(n)
  for sd in [0.02,0.05,0.10]:
    R=2000
    fp=sum(rule(0.01*np.arange(n)+sd*rng.standard_normal(n), d) for _ in range(R))
    tp=sum(rule(0.01*np.arange(n)+sd*rng.standard_normal(n)-np.log(d), d) for _ in range(R))
    print(f"n={n} sd={sd}: flow misread {fp/R:.3f}  figure detected {tp/R:.3f}")
d=months(24)
fp=0
for _ in range(2000):
    z=0.01*np.arange(24)+0.03*rng.standard_normal(24); z[13]+=np.log(1.3)
    fp+=rule(z,d)
print("flow sd .03 + one Feb +30%: rule fires", fp/2000)
