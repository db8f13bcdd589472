export * from "./catalog";
export * from "./keys";
export * from "./limits";
export * from "./periods";
export * from "./queue";
export * from "./text";
export * from "./shutdown";
export * from "./dashboard";
