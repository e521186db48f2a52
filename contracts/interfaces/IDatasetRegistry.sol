// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAssetRegistry} from "./IAssetRegistry.sol";

/// @notice Registry of encrypted datasets. The checksum is the sha256 of the encrypted file.
interface IDatasetRegistry is IAssetRegistry {
    struct DatasetParams {
        string name;
        string uri;
        bytes32 checksum;
    }

    /// @notice A new dataset was registered and its token minted to `owner`.
    event DatasetCreated(
        address indexed dataset,
        address indexed owner,
        string name,
        string uri,
        bytes32 checksum
    );

    /// @notice Registers a dataset owned by the caller.
    function createDataset(DatasetParams calldata params) external returns (address dataset);

    /// @notice Address the dataset would get if `owner` registered `params`.
    function predictDataset(
        address owner,
        DatasetParams calldata params
    ) external view returns (address);

    /// @notice Checksum of the encrypted dataset file (zero when unknown).
    function datasetChecksum(address dataset) external view returns (bytes32);
}
