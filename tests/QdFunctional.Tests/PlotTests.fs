module PlotTests

open Expecto
