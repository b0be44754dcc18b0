package io.vmpower.cli.guest.archfixture;

import io.vmpower.cli.HostMain;

/** Breaks a module rule on purpose, so ModuleRulesTest sees the rule fail: guest CLI uses host. */
final class GuestCliUsesTheHost {
  Class<?> used = HostMain.class;
}
