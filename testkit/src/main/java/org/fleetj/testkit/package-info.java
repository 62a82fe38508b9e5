package org.fleetj.testkit;
