package org.fleetj.fleetctl.output;

/** One column of a fleetctl table: how to print a row's value, short or with {@code --full}. */
@FunctionalInterface
public interface Column<T> {
    String value(T row, boolean full);
}
