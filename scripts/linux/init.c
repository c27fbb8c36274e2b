// The whole of user space in scripts/linux-image.sh's Linux: a static PID 1 built with the
// kernel's own nolibc (no C library needed). It prints what both machines should agree on,
// then powers off, so a boot ends by itself on Chronos and on QEMU alike.
#include <linux/reboot.h>
#include <linux/utsname.h>

// nolibc (6.1) has no uname(): the system call fills the kernel's own struct.
static int new_uname(struct new_utsname *u)
{
	return my_syscall1(__NR_uname, u);
}

static void print_file(const char *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("init: cannot open %s (errno %d)\n", path, errno);
		return;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		write(1, buf, n);
	}
	close(fd);
}

// Counts the harts Linux brought up: the "processor" lines of /proc/cpuinfo.
static int count_processors(void)
{
	char buf[4096];
	int fd = open("/proc/cpuinfo", O_RDONLY), count = 0;
	ssize_t len = 0, n;
	if (fd < 0)
		return -1;
	while (len < (ssize_t)sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	for (ssize_t i = 0; i < len; i++)
		if ((i == 0 || buf[i - 1] == '\n') && i + 9 <= len && !memcmp(buf + i, "processor", 9))
			count++;
	return count;
}

int main(void)
{
	struct new_utsname u;

	// stdin, stdout and stderr are /dev/console, opened by the kernel before it runs /init.
	printf("chronos-init: hello from user space, pid %d\n", getpid());
	if (new_uname(&u) == 0)
		printf("chronos-init: uname: %s %s %s %s\n", u.sysname, u.release, u.version, u.machine);
	if (mount("proc", "/proc", "proc", 0, 0) == 0) {
		printf("chronos-init: /proc/version: ");
		print_file("/proc/version");
		printf("chronos-init: processors online: %d\n", count_processors());
	} else {
		printf("chronos-init: mount /proc failed (errno %d)\n", errno);
	}
	printf("chronos-init: powering off\n");
	// The console's output may still be draining through the UART's interrupt-driven queue while
	// the power-off message is printed synchronously from another hart, which splits our last
	// lines on a multi-hart QEMU. TCSBRK with a non-zero argument is tcdrain: it returns once
	// everything written has left the UART.
	ioctl(1, TCSBRK, (void *)1);
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	printf("chronos-init: reboot() returned (errno %d)\n", errno);
	return 1;
}
