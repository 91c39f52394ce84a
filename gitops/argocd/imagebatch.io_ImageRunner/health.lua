-- Argo CD health of an imagebatch.io/v1alpha1 ImageRunner: the blue-green runner image rollout.
-- A candidate under verification is Progressing; a candidate that failed verification is
-- Degraded (nothing was switched: batches keep the active image) with the operator's reason.
local function condition(status, type)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function messageOf(c)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return nil
end

local status = obj.status
local generation = obj.metadata.generation
if status == nil then
  return { status = "Progressing", message = "Waiting for the operator" }
end
-- Conditions written for an older spec (e.g. before green's image changed in Git) say nothing
-- about the current one.
if status.observedGeneration == nil
    or (generation ~= nil and status.observedGeneration < generation) then
  return {
    status = "Progressing",
    message = "Waiting for the operator to observe generation " .. tostring(generation)
  }
end

local degraded = condition(status, "Degraded")
if isTrue(degraded) then
  return { status = "Degraded", message = messageOf(degraded) or "Degraded" }
end
local progressing = condition(status, "Progressing")
if isTrue(progressing) then
  return { status = "Progressing", message = messageOf(progressing) or "Verifying the candidate" }
end
local ready = condition(status, "Ready")
local active = nil
if status.activeColor ~= nil and status.activeImage ~= nil then
  active = status.activeColor .. " active: " .. status.activeImage
end
if isTrue(ready) then
  return { status = "Healthy", message = messageOf(ready) or active or "Ready" }
end
return { status = "Progressing", message = messageOf(ready) or "Waiting for the runner to be ready" }
