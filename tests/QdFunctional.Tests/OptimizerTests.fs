module OptimizerTests

open Expecto
