package io.vmpower.features;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectPackages;
import org.junit.platform.suite.api.Suite;

/** The host run as a service from its configuration file, on the simulated host. */
@Suite
@IncludeEngines("cucumber")
@SelectPackages("features.service")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "io.vmpower.features")
@ConfigurationParameter(key = PLUGIN_PROPERTY_NAME, value = "summary")
public class ServiceFeaturesTest {}
