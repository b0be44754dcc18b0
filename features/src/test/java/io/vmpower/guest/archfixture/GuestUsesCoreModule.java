package io.vmpower.guest.archfixture;

import io.vmpower.core.CoreModule;

/**
 * Breaks a module rule on purpose, so ModuleRulesTest sees the rule fail: the library uses only
 * core, but a core class that needs Guice at run time.
 */
final class GuestUsesCoreModule {
  Class<?> used = CoreModule.class;
}
