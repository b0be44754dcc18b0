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
 * Policies, as an application sends them (DPDK's guest_cli "send_policy now" does the same): a
 * struct rte_power_channel_packet with command PKT_POLICY, sent with
 * rte_power_guest_channel_send_msg on an lcore's channel, whose reply (ACK or NACK, the packet
 * echoed) is then read with rte_power_guest_channel_receive_msg:
 *
 *   policy LCORE [type=TRAFFIC|TIME|WORKLOAD|BRANCH_RATIO|N] [workload=HIGH|MEDIUM|LOW|N]
 *                [vcpus=0,1] [num_vcpu=N] [busy=H,H] [quiet=H,H] [traffic=H,H]
 *                [macs=aa:bb:cc:dd:ee:ff,...] [thresholds=MIN,AVG,MAX] [core=physical]
 *   remove LCORE                                    PKT_POLICY_REMOVE
 *
 * printing "policy(LCORE) = ACK", "= NACK" or "= no reply". The packet starts zeroed, as the
 * guest_cli's static one; each MAC is put in vfid as guest_cli does (a union of the 6-byte address
 * and a u64 whose top two bytes it leaves uninitialised: here they are 0xA5, to show they are
 * ignored).
 *
 * Before rte_power_init it fills a stretch of the stack with 0xA5: DPDK's CONNECT packet is a
 * stack variable of which only "command" is set, so the host then receives visible garbage in
 * every other byte, as it may from a real guest, rather than zeros by luck.
 */
#define ALLOW_EXPERIMENTAL_API 1 /* rte_power_guest_channel_receive_msg */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_power.h>
#include <rte_power_guest_channel.h>

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

union pfid {
	struct rte_ether_addr addr;
	uint64_t pfid;
};

/* "17,18,-1" into list[]: returns 0, or -1 when malformed */
static int parse_ints(const char *text, int *list, int max)
{
	int n = 0;
	char *end;

	while (*text != '\0' && n < max) {
		list[n++] = (int)strtol(text, &end, 10);
		if (end == text || (*end != ',' && *end != '\0'))
			return -1;
		text = *end == ',' ? end + 1 : end;
	}
	return 0;
}

/* One "key=value" word of a policy line into the packet; -1 when unknown or malformed. */
static int policy_word(struct rte_power_channel_packet *pkt, char *word)
{
	char *value = strchr(word, '=');
	int ints[RTE_POWER_HOURS_PER_DAY];
	int i, n;

	if (value == NULL)
		return -1;
	*value++ = '\0';
	if (strcmp(word, "type") == 0) {
		if (strcmp(value, "TRAFFIC") == 0)
			pkt->policy_to_use = RTE_POWER_POLICY_TRAFFIC;
		else if (strcmp(value, "TIME") == 0)
			pkt->policy_to_use = RTE_POWER_POLICY_TIME;
		else if (strcmp(value, "WORKLOAD") == 0)
			pkt->policy_to_use = RTE_POWER_POLICY_WORKLOAD;
		else if (strcmp(value, "BRANCH_RATIO") == 0)
			pkt->policy_to_use = RTE_POWER_POLICY_BRANCH_RATIO;
		else
			pkt->policy_to_use = (enum rte_power_policy)atoi(value);
	} else if (strcmp(word, "workload") == 0) {
		if (strcmp(value, "HIGH") == 0)
			pkt->workload = RTE_POWER_WL_HIGH;
		else if (strcmp(value, "MEDIUM") == 0)
			pkt->workload = RTE_POWER_WL_MEDIUM;
		else if (strcmp(value, "LOW") == 0)
			pkt->workload = RTE_POWER_WL_LOW;
		else
			pkt->workload = (enum rte_power_workload_level)atoi(value);
	} else if (strcmp(word, "vcpus") == 0) {
		memset(ints, -1, sizeof(ints));
		if (parse_ints(value, ints, RTE_POWER_MAX_VCPU_PER_VM) < 0)
			return -1;
		for (n = 0; n < RTE_POWER_MAX_VCPU_PER_VM && ints[n] >= 0; n++)
			pkt->vcpu_to_control[n] = (uint8_t)ints[n];
		pkt->num_vcpu = (uint8_t)n;
	} else if (strcmp(word, "num_vcpu") == 0) {
		pkt->num_vcpu = (uint8_t)atoi(value);
	} else if (strcmp(word, "busy") == 0) {
		return parse_ints(value, pkt->timer_policy.busy_hours, RTE_POWER_HOURS_PER_DAY);
	} else if (strcmp(word, "quiet") == 0) {
		return parse_ints(value, pkt->timer_policy.quiet_hours, RTE_POWER_HOURS_PER_DAY);
	} else if (strcmp(word, "traffic") == 0) {
		return parse_ints(value, pkt->timer_policy.hours_to_use_traffic_profile,
				RTE_POWER_HOURS_PER_DAY);
	} else if (strcmp(word, "macs") == 0) {
		char *save = NULL;
		char *mac = strtok_r(value, ",", &save);

		for (n = 0; mac != NULL && n < RTE_POWER_MAX_VFS; n++) {
			union pfid pfid;
			unsigned int b[6];

			memset(&pfid, 0xA5, sizeof(pfid));
			if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
					&b[5]) != 6)
				return -1;
			for (i = 0; i < 6; i++)
				pfid.addr.addr_bytes[i] = (uint8_t)b[i];
			pkt->vfid[n] = pfid.pfid;
			mac = strtok_r(NULL, ",", &save);
		}
		pkt->nb_mac_to_monitor = n;
	} else if (strcmp(word, "thresholds") == 0) {
		unsigned int t[3];

		if (sscanf(value, "%u,%u,%u", &t[0], &t[1], &t[2]) != 3)
			return -1;
		pkt->traffic_policy.min_packet_thresh = t[0];
		pkt->traffic_policy.avg_max_packet_thresh = t[1];
		pkt->traffic_policy.max_max_packet_thresh = t[2];
	} else if (strcmp(word, "core") == 0) {
		pkt->core_type = strcmp(value, "physical") == 0 ? RTE_POWER_CORE_TYPE_PHYSICAL
							       : RTE_POWER_CORE_TYPE_VIRTUAL;
	} else {
		return -1;
	}
	return 0;
}

/* Sends a policy packet on lcore's channel and reads the reply (retrying the library's 10 ms
 * poll for up to 5 s); prints what came back. Returns 0 when a reply was read. */
static int send_policy(struct rte_power_channel_packet *pkt, unsigned int lcore, const char *what)
{
	struct rte_power_channel_packet reply;
	struct timespec pause = {0, 10 * 1000 * 1000};
	int ret, tries;

	ret = rte_power_guest_channel_send_msg(pkt, lcore);
	if (ret != 0) {
		printf("%s(%u) = not sent (%d)\n", what, lcore, ret);
		return -1;
	}
	for (tries = 0; tries < 250; tries++) {
		if (rte_power_guest_channel_receive_msg(&reply, sizeof(reply), lcore) == 0) {
			printf("%s(%u) = %s\n", what, lcore,
				reply.command == RTE_POWER_CMD_ACK ? "ACK" :
				reply.command == RTE_POWER_CMD_NACK ? "NACK" : "other reply");
			return 0;
		}
		nanosleep(&pause, NULL);
	}
	printf("%s(%u) = no reply\n", what, lcore);
	return -1;
}

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
		if (strcmp(name, "policy") == 0 || strcmp(name, "remove") == 0) {
			struct rte_power_channel_packet pkt;
			char *word, *save = NULL;
			int bad = 0;

			memset(&pkt, 0, sizeof(pkt));
			pkt.command = strcmp(name, "policy") == 0 ? RTE_POWER_PKT_POLICY
								  : RTE_POWER_PKT_POLICY_REMOVE;
			strcpy(pkt.vm_name, "guest");
			line[strcspn(line, "\n")] = '\0';
			strtok_r(line, " ", &save);   /* the command */
			strtok_r(NULL, " ", &save);   /* the lcore */
			while ((word = strtok_r(NULL, " ", &save)) != NULL)
				if (policy_word(&pkt, word) < 0)
					bad = 1;
			if (bad) {
				printf("bad policy word in: policy %u ...\n", lcore);
				failed = 1;
				continue;
			}
			send_policy(&pkt, lcore, name);
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
