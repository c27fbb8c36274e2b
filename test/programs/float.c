/* Floating point as compiled C uses it (built for rv64gc, lp64d): sums, products and
 * quotients that round, fused multiply-adds GCC contracts, square roots, conversions and
 * casts both ways, comparisons with NaNs, fmin/fmax/copysign/fabs, float and double mixed,
 * the rounding mode changed under the program's feet, and the accrued flags read back.
 * Everything is printed as raw bits, so QEMU and Chronos must agree on each one. */
#include "bare.h"

static uint64_t bits_d(double d) { union { double d; uint64_t u; } x = { d }; return x.u; }
static uint32_t bits_f(float f) { union { float f; uint32_t u; } x = { f }; return x.u; }
static void show(const char *what, uint64_t v) { puts_(what); putch(' '); puthex(v); putch('\n'); }

static unsigned flags(void) { unsigned long f; __asm__ volatile("frflags %0" : "=r"(f)); return (unsigned)f; }
static void clear_flags(void) { __asm__ volatile("fsflags zero"); }
static void set_rm(unsigned rm) { __asm__ volatile("fsrm %0" : : "r"(rm)); }

/* fmin/fmax/copysign as the instructions (at -O0 GCC would call libm for the builtins). */
static double fmin_d(double a, double b) { double r; __asm__("fmin.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
static double fmax_d(double a, double b) { double r; __asm__("fmax.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }
static double copysign_d(double a, double b) { double r; __asm__("fsgnj.d %0, %1, %2" : "=f"(r) : "f"(a), "f"(b)); return r; }

/* Inputs through volatiles, so the compiler cannot fold them. */
static volatile double vd[] = { 1.0, -2.5, 3.0e-310, 1.7976931348623157e308, 0.1, 1.0 / 3.0, -0.0, 123456789.987654321, 2.0e-308, 6.0 };
static volatile float vf[] = { 1.0f, -2.5f, 1.0e-40f, 3.4028235e38f, 0.1f, 0.3333333f, -0.0f, 16777217.0f, 1.5e-38f, 6.0f };
static volatile uint64_t vi[] = { 0, 1, (uint64_t)-1, 0x7fffffff, 0x80000000, 0xffffffff, 0x20000000000001ull, 0x7fffffffffffffffull, 0x8000000000000000ull };

__attribute__((noinline)) static double kahan(int n) {
    double sum = 0.0, c = 0.0;
    for (int i = 1; i <= n; i++) {
        double y = 1.0 / (double)i - c;
        double t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    return sum;
}

__attribute__((noinline)) static float harmonic_f(int n) {
    float s = 0.0f;
    for (int i = n; i >= 1; i--) s += 1.0f / (float)i;
    return s;
}

__attribute__((noinline)) static double horner(double x) {
    static const double c[] = { 1.0, -0.5, 1.0 / 6.0, -1.0 / 24.0, 1.0 / 120.0, -1.0 / 720.0, 1.0 / 5040.0 };
    double r = 0.0;
    for (int i = 6; i >= 0; i--) r = r * x + c[i]; /* contracted into fmadd.d */
    return r;
}

__attribute__((noinline)) static double newton_sqrt(double a) {
    double x = a > 1.0 ? a / 2.0 : 1.0;
    for (int i = 0; i < 60; i++) x = 0.5 * (x + a / x);
    return x;
}

#define N 6
__attribute__((noinline)) static void matmul(const double a[N][N], const double b[N][N], double c[N][N]) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0.0;
            for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
}

/* Decimal with six digits after the point, the way a kernel's printf does it. */
static void put_fixed(double d) {
    if (d != d) { puts_("nan"); return; }
    if (d < 0) { putch('-'); d = -d; }
    if (d > 1e18) { puts_("big"); return; }
    uint64_t whole = (uint64_t)d;
    uint64_t frac = (uint64_t)((d - (double)whole) * 1e6 + 0.5);
    if (frac >= 1000000) { whole++; frac -= 1000000; }
    putdec((int64_t)whole); putch('.');
    for (uint64_t p = 100000; p; p /= 10) putch((char)('0' + (frac / p) % 10));
}

int main(void) {
    clear_flags();
    show("kahan", bits_d(kahan(2000)));
    show("harmonic.s", bits_f(harmonic_f(3000)));
    show("flags after sums", flags());
    for (int i = 0; i < 10; i++) {
        double x = vd[i];
        clear_flags();
        show("horner", bits_d(horner(x * 0.25)));
        show("sqrt", bits_d(__builtin_sqrt(x)));
        show("newton", bits_d(newton_sqrt(x < 0 ? -x : x)));
        show("fma", bits_d(__builtin_fma(x, vd[(i + 3) % 10], vd[(i + 7) % 10])));
        show("fmaf", bits_f(__builtin_fmaf(vf[i], vf[(i + 1) % 10], vf[(i + 5) % 10])));
        show("div", bits_d(x / vd[(i + 1) % 10]));
        show("divf", bits_f(vf[i] / vf[(i + 2) % 10]));
        show("sqrtf", bits_f(__builtin_sqrtf(vf[i])));
        show("to float", bits_f((float)x));
        show("to double", bits_d((double)vf[i]));
        show("min", bits_d(fmin_d(x, vd[(i + 6) % 10])));
        show("max", bits_d(fmax_d(x, vd[(i + 6) % 10])));
        show("copysign", bits_d(copysign_d(vd[(i + 4) % 10], x)));
        show("fabsf", bits_f(__builtin_fabsf(vf[i])));
        show("flags", flags());
    }
    /* Conversions: in range, every cast; out of range, through the instructions themselves. */
    for (int i = 0; i < 9; i++) {
        uint64_t u = vi[i];
        show("u64->d", bits_d((double)u));
        show("i64->d", bits_d((double)(int64_t)u));
        show("u32->f", bits_f((float)(uint32_t)u));
        show("i32->f", bits_f((float)(int32_t)u));
        show("u64->f", bits_f((float)u));
    }
    for (int i = 0; i < 10; i++) {
        double x = vd[i] * 1e3;
        long l; unsigned long lu; int w; unsigned wu;
        __asm__ volatile("fcvt.l.d %0, %1, rtz" : "=r"(l) : "f"(x));
        __asm__ volatile("fcvt.lu.d %0, %1, rne" : "=r"(lu) : "f"(x));
        __asm__ volatile("fcvt.w.d %0, %1, rdn" : "=r"(w) : "f"(x));
        __asm__ volatile("fcvt.wu.s %0, %1, rmm" : "=r"(wu) : "f"((float)x));
        show("fcvt.l.d", (uint64_t)l); show("fcvt.lu.d", lu); show("fcvt.w.d", (uint64_t)(int64_t)w); show("fcvt.wu.s", (uint64_t)(int64_t)(int32_t)wu);
        if (x > -1e9 && x < 1e9) show("cast", (uint64_t)(int64_t)(int)x);
    }
    /* NaN compares and classification. */
    double nan = vd[3] * 10.0 - vd[3] * 10.0;
    clear_flags();
    show("nan == nan", nan == nan);
    show("nan < 1", nan < 1.0);
    show("nan != nan", nan != nan);
    show("isnan", __builtin_isnan(nan));
    show("isinf", __builtin_isinf(vd[3] * 10.0));
    show("flags after compares", flags());
    /* The dynamic rounding mode: the same quotient four ways. */
    for (unsigned rm = 0; rm < 5; rm++) {
        set_rm(rm);
        show("1/3 rounded", bits_d(vd[0] / 3.0));
        show("-2/3f rounded", bits_f((float)vd[1] / 3.75f));
        show("sum rounded", bits_d(vd[7] + vd[4]));
        show("big product", bits_d(vd[3] * 1.5));
    }
    set_rm(0);
    /* Matrices and decimal output. */
    double a[N][N], b[N][N], c[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) { a[i][j] = (double)(i + 1) / (double)(j + 2); b[i][j] = vd[(i * N + j) % 10] * 0.001; }
    matmul(a, b, c);
    uint64_t h = 0;
    for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) h = (h << 7 | h >> 57) ^ bits_d(c[i][j]);
    show("matmul", h);
    for (int i = 0; i < 10; i++) { put_fixed(vd[i] * 1e6); putch('\n'); }
    show("final flags", flags());
    return 0;
}
