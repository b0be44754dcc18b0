/*
 * A DPDK guest application, as small as it can be, for the interop test ci/e2e-dpdk-guest.sh.
 *
 * It starts DPDK's EAL (the arguments before "--", e.g. --no-huge --no-pci --in-memory -l 0-1),
 * selects DPDK's own KVM guest power backend (rte_power_set_env(PM_ENV_KVM_VM)), initialises it
 * for the lcores named after "--" (each opens /dev/virtio-ports/virtio.serial.port.poweragent.N
 * and sends DPDK's CONNECT packet), then reads one request a line from standard input:
 *
 *   up|down|max|min|enable_turbo|disable_turbo LCORE    calls rte_power_freq_<op>(LCORE)
 *
 * and prints each call and its return value ("rte_power_freq_down(0) = 1"; 1 means the request
 * was written to the port, -1 that it was not). DPDK's guest library never reads the host's ACK,
 * so the caller checks the outcome on the host. End of input calls rte_power_exit for each lcore.
 *
 * Before rte_power_init it fills a stretch of the stack with 0xA5: DPDK's CONNECT packet is a
 * stack variable of which only "command" is set, so the host then receives visible garbage in
 * every other byte, as it may from a real guest, rather than zeros by luck.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_power.h>

static void poison_stack(void)
{
	volatile unsigned char junk[16384];

	memset((unsigned char *)junk, 0xA5, sizeof(junk));
	__asm__ volatile("" : : "r"(junk) : "memory");
}

struct op {
	const char *name;
	rte_power_freq_change_t *fn;
};

int main(int argc, char **argv)
{
	static const struct op ops[] = {
		{"up", &rte_power_freq_up},
		{"down", &rte_power_freq_down},
		{"max", &rte_power_freq_max},
		{"min", &rte_power_freq_min},
		{"enable_turbo", &rte_power_freq_enable_turbo},
		{"disable_turbo", &rte_power_freq_disable_turbo},
	};
	unsigned int lcores[RTE_MAX_LCORE];
	unsigned int nlcores = 0;
	char line[128];
	int used, i, ret, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	used = rte_eal_init(argc, argv);
	if (used < 0) {
		fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	printf("rte_eal_init = %d\n", used);
	for (i = used + 1; i < argc && nlcores < RTE_MAX_LCORE; i++)
		lcores[nlcores++] = (unsigned int)strtoul(argv[i], NULL, 10);
	if (nlcores == 0) {
		fprintf(stderr, "usage: %s EAL-ARGS -- LCORE...\n", argv[0]);
		rte_eal_cleanup();
		return 2;
	}

	ret = rte_power_set_env(PM_ENV_KVM_VM);
	printf("rte_power_set_env(PM_ENV_KVM_VM) = %d\n", ret);
	if (ret != 0) {
		rte_eal_cleanup();
		return 3;
	}
	for (i = 0; i < (int)nlcores; i++) {
		poison_stack();
		ret = rte_power_init(lcores[i]);
		printf("rte_power_init(%u) = %d\n", lcores[i], ret);
		if (ret != 0)
			failed = 1;
	}
	if (failed) {
		rte_eal_cleanup();
		return 3;
	}
	printf("ready\n");

	while (fgets(line, sizeof(line), stdin) != NULL) {
		char name[32];
		unsigned int lcore;
		size_t k;

		if (sscanf(line, "%31s %u", name, &lcore) != 2) {
			printf("bad request line: %s", line);
			failed = 1;
			continue;
		}
		for (k = 0; k < RTE_DIM(ops); k++)
			if (strcmp(name, ops[k].name) == 0)
				break;
		if (k == RTE_DIM(ops)) {
			printf("unknown operation '%s' (accepted: up down max min enable_turbo "
			       "disable_turbo)\n", name);
			failed = 1;
			continue;
		}
		ret = (*ops[k].fn)(lcore);
		printf("rte_power_freq_%s(%u) = %d\n", name, lcore, ret);
	}

	for (i = 0; i < (int)nlcores; i++)
		printf("rte_power_exit(%u) = %d\n", lcores[i], rte_power_exit(lcores[i]));
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
