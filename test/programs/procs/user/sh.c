/* The other user program: ls.c's code with other words, at the same addresses. */
int write(const char *s, int n);

static const char prompt[] = "sh: prompt\n";

/* A C function between main and the write stub: under the stub (no CFI), main's frame is
 * echo's caller, found through echo's CFI. Not inlined, so it is a frame of its own. */
__attribute__((noinline)) static int echo(const char *s, int n) {
  int written = write(s, n); /* echo writes */
  return written;
}

int main(void) {
  /* What was written, kept in a saved register across the calls. */
  int total = write(prompt, sizeof prompt - 1); /* sh prompts */
  total += write(prompt, sizeof prompt - 1);
  total += echo(prompt, sizeof prompt - 1);
  return total;
}
