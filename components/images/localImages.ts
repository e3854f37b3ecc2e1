/**
 * Our images built on the deploying machine (pulumi-docker Image, no push),
 * so a new user of the dev stack needs nothing but Docker. Staging and prod
 * take image references from config instead.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";

export const IMAGE_DIRS = ["postgres", "router", "demo-app", "exporter"] as const;
export type ImageDir = (typeof IMAGE_DIRS)[number];
export const DEMO_APP_IMAGE = "pgswarm/demo-app:latest";

export interface LocalImagesArgs {
  /** The tag each image is built under; an image without a tag is not needed by the stack and not built. */
  tags: Partial<Record<ImageDir, string>>;
  /** The folder holding images/<name>/Dockerfile. */
  projectDir: string;
}

export class LocalImages extends pulumi.ComponentResource {
  /** Built image names by tag: a service using one of these tags waits for its build. */
  readonly byTag: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: LocalImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgswarm:images:LocalImages", name, {}, opts);
    for (const dir of IMAGE_DIRS) {
      const tag = args.tags[dir];
      if (!tag) continue;
      const image = new docker.Image(
        `${name}-${dir}`,
        {
          imageName: tag,
          build: {
            // The postgres image builds from the project root: its agent shares components/contract.ts.
            context: dir === "postgres" ? args.projectDir : path.join(args.projectDir, "images", dir),
            dockerfile: path.join(args.projectDir, "images", dir, "Dockerfile"),
            platform: "linux/amd64",
          },
          skipPush: true,
        },
        { parent: this },
      );
      this.byTag[tag] = image.imageName;
    }
    this.registerOutputs({});
  }
}
