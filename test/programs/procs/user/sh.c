/* The other user program: ls.c's code with other words, at the same addresses. */
int write(const char *s, int n);

static const char prompt[] = "sh: prompt\n";

int main(void) {
  for (int i = 0; i < 3; i++)
    write(prompt, sizeof prompt - 1); /* sh prompts */
  return 0;
}
