// The roots of the secular equation of the tridiagonal divide and conquer (what LAPACK's ?laed4
// finds), for one element type, included by reductions.c once per type with ST_T, ST_NAME,
// ST_ABS, ST_SQRT, ST_EPSILON and ST_LAED4 defined.
//
// Root i of  f(λ) = 1/ρ + Σ_j z_j² / (d_j − λ)  (d ascending, ρ > 0, ‖z‖ = 1) lies in
// (d_i, d_i+1), the last in (d_k−1, d_k−1 + ρ]. It is found as an offset τ from the nearer pole
// d_o, so that the differences d_j − λ = (d_j − d_o) − τ the eigenvectors are built from keep
// their relative accuracy. Each step fits f by a rational function with the two nearest poles
// (the "fixed weight" and "middle way" interpolations of Li's method, as ?laed4), keeps τ inside
// a bracket that shrinks with every sign of f, and stops on ?laed4's test |f| ≤ ε · (a bound on
// the rounding error of f). The work is one pass over the k terms per step, which ?laed4 runs as
// scalar loops whose sums fix the order of the additions; here the sums are reassociated and
// the pass vectorizes (16 single-precision divisions at a time with AVX-512). ?laed4's third
// interpolation (three poles, ?laed6) is left out: without it some roots take a step or two more.
// A root that has not converged after ST_SE_STEPS steps is handed to ?laed4.

#define ST_SE_STEPS 40

/// The sums of one evaluation at offset tau from pole o: over the poles left of o (psi, its
/// derivative dpsi) and right of it (phi, dphi), and ?laed4's error weight: the sum of the
/// partial sums as ?laed4 adds them, |Σ_{j<o} t_j (o − j)| + Σ_{j>o} t_j (j − o).
typedef struct {
  ST_T psi, dpsi, phi, dphi, erretm;
} ST_NAME(se_sums);

/// Over j in [lo, hi): delta_j = (d_j − origin) − tau, and into sums the sums of the terms
/// z_j² / delta_j, of their derivatives (z_j / delta_j)², and of the terms weighted by |o − j|
/// (?laed4's partial sums, added up).
__attribute__((always_inline)) static inline void ST_NAME(se_range)(int lo, int hi, int o, const ST_T *d,
                                                                     const ST_T *z, ST_T origin, ST_T tau,
                                                                     ST_T *delta, ST_T sums[3]) {
#pragma clang fp reassociate(on)
  ST_T sum = 0, derivative = 0, weighted = 0;
  for (int j = lo; j < hi; j++) {
    const ST_T difference = (d[j] - origin) - tau;
    delta[j] = difference;
    const ST_T t = z[j] / difference, term = z[j] * t;
    sum += term;
    derivative += t * t;
    weighted += term * (ST_T)(j > o ? j - o : o - j);
  }
  sums[0] = sum;
  sums[1] = derivative;
  sums[2] = weighted;
}

/// delta_j = (d_j − d_o) − tau for every j, and the sums of the terms z_j² / delta_j around o.
KINDLING_MULTIVERSION static ST_NAME(se_sums)
    ST_NAME(se_pass)(int k, const ST_T *d, const ST_T *z, int o, ST_T tau, ST_T *delta) {
  ST_T left[3], right[3];
  ST_NAME(se_range)(0, o, o, d, z, d[o], tau, delta, left);
  ST_NAME(se_range)(o + 1, k, o, d, z, d[o], tau, delta, right);
  delta[o] = -tau;
  return (ST_NAME(se_sums)){left[0], left[1], right[0], right[1], ST_ABS(left[2]) + right[2]};
}

/// The root of a·τ² − b·τ + c-style quadratics ?laed4 solves, in the form that avoids
/// cancellation: (a + s) / (2c) when a ≥ 0, else 2b / (a − s), with s = √|a² − 4bc|.
static inline ST_T ST_NAME(se_quadratic)(ST_T a, ST_T b, ST_T c) {
  const ST_T s = ST_SQRT(ST_ABS(a * a - 4 * b * c));
  return a >= 0 ? (a + s) / (2 * c) : 2 * b / (a - s);
}

/// Keeps tau + eta inside [lower, upper] (halving towards the bound on the side the sign of f
/// points to) and makes eta point where f's sign says the root is (a Newton step otherwise).
static inline ST_T ST_NAME(se_safeguard)(ST_T eta, ST_T w, ST_T dw, ST_T tau, ST_T lower, ST_T upper) {
  if (w * eta >= 0) eta = -w / dw;
  const ST_T next = tau + eta;
  if (next > upper || next < lower) eta = w < 0 ? (upper - tau) / 2 : (lower - tau) / 2;
  return eta;
}

/// The last root (in (d_k−1, d_k−1 + ρ]), from pole k − 1; 0, or 1 when it did not converge.
static int ST_NAME(se_last)(int k, const ST_T *d, const ST_T *z, ST_T rho, ST_T *delta, ST_T *lambda) {
  const ST_T eps = ST_EPSILON / 2, rhoinv = 1 / rho;
  const int o = k - 1, p = k - 2;
  // The initial guess, from f at the midpoint of the bracket with the last two poles exact.
  const ST_T midpoint = rho / 2;
  ST_NAME(se_sums) s = ST_NAME(se_pass)(k, d, z, o, midpoint, delta);
  const ST_T zp = z[p] * z[p], zo = z[o] * z[o], gap = d[o] - d[p];
  const ST_T c0 = rhoinv + s.psi - zp / delta[p];
  const ST_T w0 = c0 + zp / delta[p] + zo / delta[o];
  ST_T tau, lower, upper;
  if (w0 <= 0 && c0 <= zp / (gap + rho) + zo / rho) {
    tau = rho;
  } else {
    const ST_T a = -c0 * gap + zp + zo, b = zo * gap;
    const ST_T s2 = ST_SQRT(a * a + 4 * b * c0);
    tau = a < 0 ? 2 * b / (s2 - a) : (a + s2) / (2 * c0);
  }
  if (w0 <= 0) {
    lower = midpoint;
    upper = rho;
  } else {
    lower = 0;
    upper = midpoint;
  }
  for (int step = 0; step < ST_SE_STEPS; step++) {
    s = ST_NAME(se_pass)(k, d, z, o, tau, delta);
    const ST_T t = z[o] / delta[o], phi = z[o] * t, dphi = t * t;
    const ST_T err = 8 * (-phi - s.psi) + s.erretm - phi + rhoinv + ST_ABS(tau) * (s.dpsi + dphi);
    const ST_T w = rhoinv + phi + s.psi;
    if (ST_ABS(w) <= eps * err) {
      *lambda = d[o] + tau;
      return 0;
    }
    if (w <= 0) {
      lower = lower > tau ? lower : tau;
    } else {
      upper = upper < tau ? upper : tau;
    }
    // The two poles nearest the root exact, the others lumped into their derivative.
    const ST_T dw = s.dpsi + dphi;
    ST_T c = ST_ABS(w - delta[p] * s.dpsi - delta[o] * dphi);
    const ST_T a = (delta[p] + delta[o]) * w - delta[p] * delta[o] * dw, b = delta[p] * delta[o] * w;
    ST_T eta = c == 0 ? -w / dw : ST_NAME(se_quadratic)(a, b, c);
    tau += ST_NAME(se_safeguard)(eta, w, dw, tau, lower, upper);
  }
  return 1;
}

/// Root i < k − 1 (in (d_i, d_i+1)); 0, or 1 when it did not converge.
static int ST_NAME(se_inner)(int k, int i, const ST_T *d, const ST_T *z, ST_T rho, ST_T *delta, ST_T *lambda) {
  const ST_T eps = ST_EPSILON / 2, rhoinv = 1 / rho;
  const int next = i + 1;
  const ST_T gap = d[next] - d[i], midpoint = gap / 2;
  const ST_T zi = z[i] * z[i], zn = z[next] * z[next];
  // The sign of f at the midpoint says which half holds the root, whose pole becomes the origin.
  ST_NAME(se_sums) s = ST_NAME(se_pass)(k, d, z, i, midpoint, delta);
  const ST_T c0 = rhoinv + s.psi + s.phi - zn / delta[next];
  const ST_T w0 = c0 + zi / delta[i] + zn / delta[next];
  const int fromLeft = w0 > 0;
  const int o = fromLeft ? i : next, other = fromLeft ? next : i;
  ST_T tau, lower, upper;
  if (fromLeft) {
    const ST_T a = c0 * gap + zi + zn, b = zi * gap, r = ST_SQRT(ST_ABS(a * a - 4 * b * c0));
    tau = a > 0 ? 2 * b / (a + r) : (a - r) / (2 * c0);
    lower = 0;
    upper = midpoint;
  } else {
    const ST_T a = c0 * gap - zi - zn, b = zn * gap, r = ST_SQRT(ST_ABS(a * a + 4 * b * c0));
    tau = a < 0 ? 2 * b / (a - r) : -(a + r) / (2 * c0);
    lower = -midpoint;
    upper = 0;
  }
  // Whether the step lumps the far pole's term with the others ("middle way") rather than
  // keeping the origin's exact ("fixed weight"); chosen after the first step, then switched when
  // f keeps its sign without shrinking tenfold.
  int middle = 0;
  ST_T previous = 0;
  for (int step = 0; step < ST_SE_STEPS; step++) {
    s = ST_NAME(se_pass)(k, d, z, o, tau, delta);
    const ST_T t = z[o] / delta[o], term = z[o] * t;
    const ST_T dw = s.dpsi + s.dphi + t * t;
    const ST_T w = rhoinv + s.phi + s.psi + term;
    const ST_T err = 8 * (s.phi - s.psi) + s.erretm + 2 * rhoinv + 3 * ST_ABS(term) + ST_ABS(tau) * dw;
    if (ST_ABS(w) <= eps * err) {
      *lambda = d[o] + tau;
      return 0;
    }
    if (step == 1) {
      middle = fromLeft ? -w > ST_ABS(previous) / 10 : w > ST_ABS(previous) / 10;
    } else if (step > 1 && w * previous > 0 && ST_ABS(w) > ST_ABS(previous) / 10) {
      middle = !middle;
    }
    if (w <= 0) {
      lower = lower > tau ? lower : tau;
    } else {
      upper = upper < tau ? upper : tau;
    }
    const ST_T di = delta[i], dn = delta[next];
    ST_T c, dpsi = s.dpsi, dphi = s.dphi;
    if (!middle) {
      const ST_T q = z[o] / delta[o];
      c = w - delta[other] * dw - (d[o] - d[other]) * q * q;
    } else {
      if (fromLeft) {
        dpsi += t * t;
      } else {
        dphi += t * t;
      }
      c = w - di * dpsi - dn * dphi;
    }
    ST_T a = (di + dn) * w - di * dn * dw;
    const ST_T b = di * dn * w;
    ST_T eta;
    if (c == 0) {
      if (a == 0) {
        a = middle ? di * di * dpsi + dn * dn * dphi : z[o] * z[o] + delta[other] * delta[other] * (dpsi + dphi);
      }
      eta = b / a;
    } else {
      const ST_T r = ST_SQRT(ST_ABS(a * a - 4 * b * c));
      eta = a <= 0 ? (a - r) / (2 * c) : 2 * b / (a + r);
    }
    previous = w;
    tau += ST_NAME(se_safeguard)(eta, w, dw, tau, lower, upper);
  }
  return 1;
}

/// Root i (0-based) of the secular equation of order k: its value into *lambda and the
/// differences d_j − λ into delta (?laed4's contract for k ≥ 3; k ≤ 2 is ?laed4's own);
/// ?laed4's info.
int ST_NAME(kindling_secular_root)(int k, int i, const ST_T *d, const ST_T *z, ST_T rho, ST_T *delta, ST_T *lambda) {
  if (k >= 3) {
    const int failed = i == k - 1 ? ST_NAME(se_last)(k, d, z, rho, delta, lambda)
                                  : ST_NAME(se_inner)(k, i, d, z, rho, delta, lambda);
    if (!failed) return 0;
  }
  int kk = k, index = i + 1, info = 0;
  ST_LAED4(&kk, &index, (ST_T *)d, (ST_T *)z, delta, &rho, lambda, &info);
  return info;
}
