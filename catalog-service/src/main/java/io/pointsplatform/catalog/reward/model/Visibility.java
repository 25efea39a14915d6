package io.pointsplatform.catalog.reward.model;

/** PUBLIC rewards are listed to everyone who may read the catalogue; HIDDEN ones to admin, analyst and service only. */
public enum Visibility {
    PUBLIC, HIDDEN
}
