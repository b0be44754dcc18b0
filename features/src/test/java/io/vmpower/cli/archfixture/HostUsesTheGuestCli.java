package io.vmpower.cli.archfixture;

import io.vmpower.cli.guest.GuestMain;

/** Breaks a module rule on purpose, so ModuleRulesTest sees the rule fail: host uses guest CLI. */
final class HostUsesTheGuestCli {
  Class<?> used = GuestMain.class;
}
