/* The other user program: ls.c's code with other words, at the same addresses. */
int write(const char *s, int n);

static const char prompt[] = "sh: prompt\n";

int main(void) {
  /* What was written, kept in a saved register across the calls. */
  int total = write(prompt, sizeof prompt - 1); /* sh prompts */
  total += write(prompt, sizeof prompt - 1);
  total += write(prompt, sizeof prompt - 1);
  return total;
}
