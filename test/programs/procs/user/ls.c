/* One of the two user programs; sh.c has the same code, so both are linked at the same
 * addresses: only the process running tells which of them a pc is in. */
int write(const char *s, int n);

static const char listing[] = "ls: README\n";

/* A C function between main and the write stub: under the stub (no CFI), main's frame is
 * echo's caller, found through echo's CFI. Not inlined, so it is a frame of its own. */
__attribute__((noinline)) static int echo(const char *s, int n) {
  int written = write(s, n); /* echo writes */
  return written;
}

int main(void) {
  /* What was written, kept in a saved register across the calls. */
  int total = write(listing, sizeof listing - 1); /* ls lists */
  total += write(listing, sizeof listing - 1);
  total += echo(listing, sizeof listing - 1);
  return total;
}
