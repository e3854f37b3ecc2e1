/**
 * pgswarm's policy pack: the rules that make a stack safe to run, checked by
 * Pulumi before anything changes (`pulumi preview --policy-pack policy`).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("pgswarm", { enforcementLevel: "mandatory", policies });
