/**
 * What runs the pods of an `EndpointCluster`.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/automode.html
 */
export enum ClusterCompute {
  /**
   * A managed node group: lab-sized by default (2 x t3.medium, 1 to 3), shaped with the
   * `nodegroup` prop.
   */
  NODEGROUP = 'NODEGROUP',

  /**
   * EKS Auto Mode: EKS launches, patches and scales the nodes, with the built-in `system`
   * and `general-purpose` node pools and a node role created for them. Auto Mode adds a
   * management fee per instance-hour on top of the EC2 price.
   */
  AUTO_MODE = 'AUTO_MODE',
}
