/**
 * The broker process: {@link dev.nagare.broker.Broker} wires configuration, storage, metadata, partitions, the api
 * handlers and the network listener together, starts them in order and stops them in reverse. Sub-packages hold
 * each layer (see DESIGN.md's data path).
 */
package dev.nagare.broker;
