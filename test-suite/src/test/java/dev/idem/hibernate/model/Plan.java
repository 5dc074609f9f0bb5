package dev.idem.hibernate.model;

/** Stored by ordinal. */
public enum Plan { FREE, TEAM, ENTERPRISE }
