/* The floating-point guest `npm run bench` times on Chronos and on QEMU (built for rv64gc,
 * lp64d): an n-body step (sqrt, division, fused multiply-adds), a double matrix product, a
 * Mandelbrot scan (compares and branches on doubles), a single-precision dot product and a
 * loop of conversions between integers and floats. A checksum of the results' bits is printed
 * at the end, so both machines provably computed the same values. */
#include "../programs/bare.h"

#ifndef ROUNDS
#define ROUNDS 1
#endif

static uint64_t bits(double d) { union { double d; uint64_t u; } x = { d }; return x.u; }
static uint32_t bitsf(float f) { union { float f; uint32_t u; } x = { f }; return x.u; }

#define BODIES 5
struct body { double x, y, z, vx, vy, vz, m; };
static struct body sys[BODIES] = {
    { 0, 0, 0, 0, 0, 0, 39.47841760435743 },
    { 4.84143144246472090, -1.16032004402742839, -0.103622044471123109, 0.606326392995832, 2.81198684491626, -0.02521836165988763, 0.03769367487038949 },
    { 8.34336671824457987, 4.12479856412430479, -0.403523417114321381, -1.01077434617879, 1.82566237123041, 0.008415761376584154, 0.011286326131968767 },
    { 12.8943695621391310, -15.1111514016986312, -0.223307578892655734, 1.08279100644154, 0.868713018169608, -0.01010836272212731, 0.0017237240570597112 },
    { 15.3796971148509165, -25.9193146099879641, 0.179258772950371181, 0.979090732243898, 0.594698998647676, -0.034755955504078104, 0.0020336868699246304 },
};

__attribute__((noinline)) static void advance(double dt, int steps) {
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < BODIES; i++) {
            struct body *a = &sys[i];
            for (int j = i + 1; j < BODIES; j++) {
                struct body *b = &sys[j];
                double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
                double d2 = dx * dx + dy * dy + dz * dz;
                double mag = dt / (d2 * __builtin_sqrt(d2));
                a->vx -= dx * b->m * mag; a->vy -= dy * b->m * mag; a->vz -= dz * b->m * mag;
                b->vx += dx * a->m * mag; b->vy += dy * a->m * mag; b->vz += dz * a->m * mag;
            }
        }
        for (int i = 0; i < BODIES; i++) { sys[i].x += dt * sys[i].vx; sys[i].y += dt * sys[i].vy; sys[i].z += dt * sys[i].vz; }
    }
}

#define M 24
static double ma[M][M], mb[M][M], mc[M][M];

__attribute__((noinline)) static void matmul(void) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            double s = 0.0;
            for (int k = 0; k < M; k++) s += ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
}

__attribute__((noinline)) static int mandel(int w, int h) {
    int inside = 0;
    for (int py = 0; py < h; py++)
        for (int px = 0; px < w; px++) {
            double cr = -2.0 + 2.5 * px / w, ci = -1.25 + 2.5 * py / h, zr = 0, zi = 0;
            int n = 0;
            while (n < 50 && zr * zr + zi * zi < 4.0) { double t = zr * zr - zi * zi + cr; zi = 2.0 * zr * zi + ci; zr = t; n++; }
            inside += n == 50;
        }
    return inside;
}

#define V 256
static float fa[V], fb[V];

__attribute__((noinline)) static float dot(void) {
    float s = 0.0f;
    for (int i = 0; i < V; i++) s += fa[i] * fb[i];
    return s;
}

__attribute__((noinline)) static uint64_t conversions(int n) {
    uint64_t acc = 0;
    for (int i = 1; i <= n; i++) {
        double d = (double)(acc ^ (uint64_t)i) * 1e-6;
        acc += (uint64_t)(int64_t)(d * 0.75) + (uint32_t)(float)i;
    }
    return acc;
}

int main(void) {
    for (int i = 0; i < M; i++) for (int j = 0; j < M; j++) { ma[i][j] = 1.0 / (i + j + 1); mb[i][j] = (double)(i - j) * 0.125; }
    for (int i = 0; i < V; i++) { fa[i] = (float)i * 0.5f; fb[i] = 1.0f / (float)(i + 1); }
    uint64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        advance(0.01, 20);
        matmul();
        mb[r % M][(r * 7) % M] += mc[(r * 3) % M][r % M] * 1e-3;
        sum = sum * 31 + (uint64_t)mandel(24, 16);
        sum = sum * 31 + bitsf(dot());
        fa[r % V] += 0.25f;
        sum = sum * 31 + conversions(40);
    }
    for (int i = 0; i < BODIES; i++) sum = sum * 31 + bits(sys[i].x) + bits(sys[i].vz);
    for (int i = 0; i < M; i++) sum = sum * 31 + bits(mc[i][(i * 5) % M]);
    puts_("checksum ");
    puthex(sum);
    putch('\n');
    return 0;
}
