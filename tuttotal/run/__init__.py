"""Running places: papermill batches, executors and kernels (that die with their batch), notebook
parameters, publishing finished folders and output pages."""
